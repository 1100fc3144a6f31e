using System.Text;
using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Listener;

/// <summary>AUTH rationing on the wire: the password-check gate and the per-client back-off.</summary>
public sealed class ListenerAuthLimitTests
{
    private const string TryLater = "454 4.7.0 Temporary authentication failure, try again later";

    [Fact]
    public async Task Auth_EveryCheckSlotTaken_454WithoutQueueingThenSucceedsOnceFree()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true);
        using var raw = await SecureSessionAsync(relay);
        var held = TakeAllSlots(relay.Listener.AuthGate);

        var busy = await raw.CommandAsync(AuthPlain("relay-user", ListenerHarness.Password));
        held.ForEach(slot => slot.Dispose());
        var free = await raw.CommandAsync(AuthPlain("relay-user", ListenerHarness.Password));

        Assert.StartsWith(TryLater, busy, StringComparison.Ordinal);
        Assert.StartsWith("235", free, StringComparison.Ordinal);
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1120 && e.Message.Contains("relay-user", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auth_MaxFailuresFromOneAddress_454EvenWithRightPasswordUntilLockEnds()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true);
        for (var i = 0; i < AuthFailureBackoff.MaxFailures; i++)
        {
            // One attempt per session: SmtpServer closes a session after 3 failures of its own.
            using var guess = await SecureSessionAsync(relay);
            Assert.StartsWith("535", await guess.CommandAsync(AuthPlain("relay-user", $"guess {i}")), StringComparison.Ordinal);
        }

        using var raw = await SecureSessionAsync(relay);
        var locked = await raw.CommandAsync(AuthPlain("relay-user", ListenerHarness.Password));
        relay.Temp.Clock.Advance(AuthFailureBackoff.LockTime);
        var unlocked = await raw.CommandAsync(AuthPlain("relay-user", ListenerHarness.Password));

        Assert.StartsWith(TryLater, locked, StringComparison.Ordinal);
        Assert.StartsWith("235", unlocked, StringComparison.Ordinal);
        Assert.Single(relay.Log.Entries, e => e.Id.Id == 1121);
        Assert.Single(relay.Log.Entries, e => e.Id.Id == 1122);
        Assert.Equal(AuthFailureBackoff.MaxFailures, relay.Log.Entries.Count(e => e.Id.Id == 1106));
    }

    private static async Task<RawSmtpClient> SecureSessionAsync(ListenerHarness relay)
    {
        var raw = relay.Raw();
        await raw.HelloAsync();
        await raw.StartTlsAsync(relay.Certificate!);
        return raw;
    }

    private static List<IDisposable> TakeAllSlots(AuthGate gate)
    {
        var held = new List<IDisposable>();
        while (gate.TryEnter() is { } slot)
        {
            held.Add(slot);
        }

        Assert.Equal(gate.Size, held.Count);
        return held;
    }

    private static string AuthPlain(string user, string password) =>
        "AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
}
