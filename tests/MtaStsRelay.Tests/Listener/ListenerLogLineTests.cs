using System.Text;

namespace MtaStsRelay.Tests.Listener;

/// <summary>Client-chosen text reaches the log bounded and on one line.</summary>
public sealed class ListenerLogLineTests
{
    [Fact]
    public async Task Rcpt_TenThousandCharacterAddressFromOutsider_LogLinesBounded()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.AllowedNetworks = ["192.0.2.0/24"]);
        using var raw = relay.Raw();
        await raw.HelloAsync();
        await raw.CommandAsync("MAIL FROM:<from@example.org>");

        var reply = await raw.CommandAsync($"RCPT TO:<{new string('a', 10_000)}@example.net>");

        Assert.StartsWith("554 5.7.1", reply, StringComparison.Ordinal);
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1101);
        Assert.All(relay.Log.Entries, e => Assert.True(e.Message.Length < 1024, $"event {e.Id.Id}: {e.Message.Length} characters"));
    }

    [Fact]
    public async Task Rcpt_LongNonAsciiAddress_RefusedAsTooLongAndLogLinesBounded()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();
        await raw.HelloAsync();
        await raw.CommandAsync("MAIL FROM:<from@example.org>");

        await raw.WriteAsync([.. "RCPT TO:<"u8, .. Enumerable.Repeat((byte)0xC3, 5000).SelectMany(b => new[] { b, (byte)0xB6 }), .. "@example.net>\r\n"u8]);
        var reply = await raw.ReadReplyAsync();

        Assert.StartsWith("501 5.1.3", reply, StringComparison.Ordinal);
        Assert.All(relay.Log.Entries, e => Assert.True(e.Message.Length < 1024, $"event {e.Id.Id}: {e.Message.Length} characters"));
    }

    [Fact]
    public async Task Auth_UserNameWithLineBreak_LoggedOnOneLine()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true);
        using var raw = relay.Raw();
        await raw.HelloAsync();
        await raw.StartTlsAsync(relay.Certificate!);
        // AUTH LOGIN: SmtpServer's PLAIN parsing stops at a line break, LOGIN takes any bytes.
        var user = Convert.ToBase64String(Encoding.UTF8.GetBytes("evil\r\n2026-01-01 forged line"));
        Assert.StartsWith("334", await raw.CommandAsync("AUTH LOGIN " + user), StringComparison.Ordinal);

        var reply = await raw.CommandAsync(Convert.ToBase64String("wrong"u8.ToArray()));

        Assert.StartsWith("535", reply, StringComparison.Ordinal);
        var failed = Assert.Single(relay.Log.Entries, e => e.Id.Id == 1106);
        Assert.DoesNotContain('\n', failed.Message);
        Assert.Contains("evil\\u000d\\u000a2026-01-01 forged line", failed.Message, StringComparison.Ordinal);
    }
}
