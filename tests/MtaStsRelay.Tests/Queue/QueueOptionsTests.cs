using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Tests.Queue;

public sealed class QueueOptionsTests
{
    [Fact]
    public void AddRelayQueue_NoSettings_UsesDefaults()
    {
        using var provider = Build([]);

        var queue = provider.GetRequiredService<IOptions<QueueOptions>>().Value;
        var spool = provider.GetRequiredService<IOptions<SpoolOptions>>().Value;

        Assert.Equal([TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40), TimeSpan.FromHours(1)], queue.RetrySchedule);
        Assert.Equal(TimeSpan.FromDays(5), queue.Lifetime);
        Assert.Equal(TimeSpan.FromHours(4), queue.DelayNotice);
        Assert.Equal("spool", spool.Path);
        Assert.NotNull(provider.GetRequiredService<Spool>());
        Assert.NotNull(provider.GetRequiredService<RetrySchedule>());
    }

    [Fact]
    public void AddRelayQueue_Settings_ReplaceDefaultsRatherThanAppend()
    {
        using var provider = Build(new()
        {
            ["Relay:Queue:RetrySchedule:0"] = "00:01:00",
            ["Relay:Queue:RetrySchedule:1"] = "00:02:00",
            ["Relay:Queue:Lifetime"] = "2.00:00:00",
            ["Relay:Queue:DelayNotice"] = "00:00:00",
            ["Relay:Spool:Path"] = "/var/spool/mtasts-relay",
            ["Relay:Listen:0:Port"] = "25",
        });

        var queue = provider.GetRequiredService<IOptions<QueueOptions>>().Value;

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)], queue.RetrySchedule);
        Assert.Equal(TimeSpan.FromDays(2), queue.Lifetime);
        Assert.Equal(TimeSpan.Zero, queue.DelayNotice);
        Assert.Equal("/var/spool/mtasts-relay", provider.GetRequiredService<IOptions<SpoolOptions>>().Value.Path);
    }

    [Theory]
    [InlineData("Relay:Queue:Lifetime", "00:00:00", "Relay:Queue:Lifetime must be positive")]
    [InlineData("Relay:Queue:Lifetime", "-1.00:00:00", "Relay:Queue:Lifetime must be positive")]
    [InlineData("Relay:Queue:RetrySchedule:1", "00:00:00", "Relay:Queue:RetrySchedule:1 must be positive")]
    [InlineData("Relay:Queue:DelayNotice", "-01:00:00", "Relay:Queue:DelayNotice must not be negative")]
    [InlineData("Relay:Queue:DelayNotice", "6.00:00:00", "Relay:Queue:DelayNotice must be shorter than Relay:Queue:Lifetime")]
    [InlineData("Relay:Spool:Path", " ", "Relay:Spool:Path must not be empty")]
    public void AddRelayQueue_BadSetting_FailsNamingTheKey(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["Relay:Queue:RetrySchedule:0"] = "00:05:00", [key] = value };
        using var provider = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<QueueOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<SpoolOptions>>().Value;
        });

        Assert.Contains(error.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRelayQueue(configuration);
        return services.BuildServiceProvider();
    }
}
