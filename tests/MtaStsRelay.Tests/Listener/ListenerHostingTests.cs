using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;
using MtaStsRelay.Tests.Queue;

namespace MtaStsRelay.Tests.Listener;

/// <summary>The two registration methods, wired into a real host the way AddRelay() will use them.</summary>
public sealed class ListenerHostingTests : IDisposable
{
    private readonly TempSpool temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task AddRelayListener_InHost_ListensAndSpools()
    {
        using var host = BuildHost(new()
        {
            ["Relay:HostName"] = "relay.test",
            ["Relay:Listen:0:Address"] = "127.0.0.1",
            ["Relay:Listen:0:Port"] = "0",
            ["Relay:Spool:Path"] = temp.SpoolPath,
        });

        await host.StartAsync(TestTimeout.Token);
        var listener = host.Services.GetRequiredService<RelayListener>();
        using (var raw = RawSmtpClient.Connect(listener.BoundEndPoints[0].Port))
        {
            await raw.HelloAsync();
            await raw.CommandAsync("MAIL FROM:<from@example.org>");
            await raw.CommandAsync("RCPT TO:<to@example.net>");
            await raw.CommandAsync("DATA");
            Assert.StartsWith("250 2.0.0 Ok: queued as ", await raw.CommandAsync("Subject: x\r\n\r\nbody\r\n."), StringComparison.Ordinal);
        }

        var spool = host.Services.GetRequiredService<Spool>();
        Assert.True(spool.NewMessages.TryRead(out var envelope));
        Assert.Equal("to@example.net", envelope.Recipients[0].Address);
        Assert.Same(listener, host.Services.GetServices<IHostedService>().Single());
        await host.StopAsync(TestTimeout.Token);
    }

    [Fact]
    public async Task AddRelayListener_BadSetting_HostDoesNotStart()
    {
        using var host = BuildHost(new()
        {
            ["Relay:Listen:0:Port"] = "0",
            ["Relay:AllowedNetworks:0"] = "10.0.0.0/33",
            ["Relay:Spool:Path"] = temp.SpoolPath,
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestTimeout.Token));

        Assert.Contains("Relay:AllowedNetworks:0", error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddRelayQueue(builder.Configuration);
        builder.Services.AddRelayListener(builder.Configuration);
        return builder.Build();
    }
}
