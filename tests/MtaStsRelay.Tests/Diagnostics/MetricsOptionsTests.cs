using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MtaStsRelay.Diagnostics;

namespace MtaStsRelay.Tests.Diagnostics;

public sealed class MetricsOptionsTests
{
    [Fact]
    public void AddRelayDiagnostics_NoSettings_OffOnLoopback9425()
    {
        var options = Resolve([]);

        Assert.False(options.Enabled);
        Assert.Equal("127.0.0.1", options.Address);
        Assert.Equal(9425, options.Port);
        Assert.Equal(TimeSpan.FromDays(1), options.MaxQueueAge);
    }

    [Fact]
    public void AddRelayDiagnostics_Settings_Bound()
    {
        var options = Resolve(new()
        {
            ["Relay:Metrics:Enabled"] = "true",
            ["Relay:Metrics:Address"] = "::1",
            ["Relay:Metrics:Port"] = "9100",
            ["Relay:Metrics:MaxQueueAge"] = "06:00:00",
        });

        Assert.True(options.Enabled);
        Assert.Equal("::1", options.Address);
        Assert.Equal(9100, options.Port);
        Assert.Equal(TimeSpan.FromHours(6), options.MaxQueueAge);
    }

    [Theory]
    [InlineData("Relay:Metrics:Address", "localhost", "Relay:Metrics:Address: 'localhost' is not an IP address")]
    [InlineData("Relay:Metrics:Port", "70000", "Relay:Metrics:Port must be 1-65535")]
    [InlineData("Relay:Metrics:Port", "-1", "Relay:Metrics:Port must be 1-65535")]
    [InlineData("Relay:Metrics:MaxQueueAge", "00:00:00", "Relay:Metrics:MaxQueueAge must be positive")]
    public void AddRelayDiagnostics_BadSetting_FailsNamingTheKey(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddRelayDiagnostics_EnabledNotABoolean_FailsNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Resolve(new() { ["Relay:Metrics:Enabled"] = "sometimes" }));

        Assert.Contains("Relay:Metrics:Enabled", error.Message, StringComparison.Ordinal);
    }

    private static MetricsOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddRelayDiagnostics(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<MetricsOptions>>().Value;
    }
}
