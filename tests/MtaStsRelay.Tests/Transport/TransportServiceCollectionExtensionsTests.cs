using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaSts.Check;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Tests.Transport;

public sealed class TransportServiceCollectionExtensionsTests
{
    [Fact]
    public void AddRelayTransport_BindsRelayDelivery_AndResolvesTransportAndProbe()
    {
        using var provider = Provider(new()
        {
            ["Relay:Delivery:ConnectTimeout"] = "00:00:05",
            ["Relay:Delivery:CommandTimeout"] = "00:00:45",
        });

        var options = provider.GetRequiredService<IOptions<TransportOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), options.DataTimeout);
        Assert.Equal(TimeSpan.FromMinutes(15), options.AttemptTimeout);
        Assert.NotNull(provider.GetRequiredService<SmtpTransport>());
        Assert.IsType<StartTlsProbe>(provider.GetRequiredService<IMxTlsProbe>());
    }

    [Fact]
    public void AddRelayTransport_ZeroTimeout_FailsValidation()
    {
        using var provider = Provider(new() { ["Relay:Delivery:CommandTimeout"] = "00:00:00" });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TransportOptions>>().Value);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddRelayTransport(configuration);
        return services.BuildServiceProvider();
    }
}
