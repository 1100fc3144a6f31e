using SimulatedInternet;

namespace MtaStsRelay.Tests.EndToEnd;

/// <summary>
/// The stage most end-to-end tests share: a simulated internet, the sender's own domain with an MX
/// (where bounces and delay notices arrive; it publishes no policy), and a relay on fake time.
/// Waits are bounded by <see cref="Timeout"/>, never by sleeping.
/// </summary>
public abstract class RelayScenario : IAsyncLifetime
{
    protected const string Sender = "admin@sender.test";

    protected TestInternet Internet { get; private set; } = null!;

    /// <summary>The MX of sender.test: DSNs go there.</summary>
    protected TestMxServer SenderMx { get; private set; } = null!;

    private protected RelayTestHost Relay { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Internet = await TestInternet.StartAsync();
        SenderMx = await Internet.AddMxHostAsync("sender.test", 10, "mx.sender.test");
        Relay = await RelayTestHost.StartAsync(Internet);
    }

    public async Task DisposeAsync()
    {
        await Relay.DisposeAsync();
        await Internet.DisposeAsync();
    }

    /// <summary>A bound against a hung test, not a timing assertion.</summary>
    protected static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    /// <summary>Sends from <see cref="Sender"/> through the relay; returns the queue id of the 250 reply.</summary>
    protected async Task<string> SendAsync(params string[] to) => RelayTestHost.QueueIdOf(await Relay.SendAsync(Sender, to));
}
