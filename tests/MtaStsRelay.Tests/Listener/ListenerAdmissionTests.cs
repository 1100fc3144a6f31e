using System.Text;

namespace MtaStsRelay.Tests.Listener;

/// <summary>
/// Who gets a session, and for how long it may hold its slot. Strangers connect from 127.0.0.2
/// while only 127.0.0.1/32 is allowed.
/// </summary>
public sealed class ListenerAdmissionTests
{
    [Fact]
    public async Task Connect_OutsiderWithoutUsers_554GreetingAndNoSlotTaken()
    {
        await using var relay = await ListenerHarness.StartAsync(configure: o =>
        {
            o.AllowedNetworks = ["127.0.0.1/32"];
            o.Limits.MaxSessions = 1;
        });
        using var outsider = relay.RawFromOutside();
        using var allowed = relay.Raw();

        Assert.Equal("220 relay.test ESMTP ready", await allowed.ReadReplyAsync());
        Assert.Equal("554 5.7.1 relay.test relay access denied", await outsider.ReadReplyAsync());
        Assert.Null(await outsider.ReadReplyAsync());
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1118 && e.Message.Contains("127.0.0.2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_OutsidersWithUsers_HoldAtMostHalfTheSlots()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o =>
        {
            o.AllowedNetworks = ["127.0.0.1/32"];
            o.Limits.MaxSessions = 2;
        });
        using var first = relay.RawFromOutside();
        Assert.StartsWith("220", await first.ReadReplyAsync(), StringComparison.Ordinal);
        using var second = relay.RawFromOutside();
        using var allowed = relay.Raw();

        Assert.Equal("421 4.7.0 Too many connections, try again later", await second.ReadReplyAsync());
        Assert.Equal("220 relay.test ESMTP ready", await allowed.ReadReplyAsync());
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1119);
    }

    [Fact]
    public async Task Rcpt_PipelinedBatchFarOverMaxRecipients_DataAnsweredAndAcceptedOnesQueued()
    {
        await using var relay = await ListenerHarness.StartAsync(configure: o => o.Limits.MaxRecipients = 2);
        using var raw = relay.Raw();
        await raw.HelloAsync();
        var batch = new StringBuilder("MAIL FROM:<from@example.org>\r\n");
        for (var i = 0; i < 8; i++)
        {
            batch.Append(System.Globalization.CultureInfo.InvariantCulture, $"RCPT TO:<r{i}@example.net>\r\n");
        }

        await raw.WriteAsync(batch.Append("DATA\r\n").ToString());

        Assert.StartsWith("250", await raw.ReadReplyAsync(), StringComparison.Ordinal);
        var replies = new List<string?>();
        for (var i = 0; i < 8; i++)
        {
            replies.Add(await raw.ReadReplyAsync());
        }

        Assert.All(replies.Take(2), r => Assert.StartsWith("250", r, StringComparison.Ordinal));
        Assert.All(replies.Skip(2), r => Assert.StartsWith("452 4.5.3", r, StringComparison.Ordinal));
        Assert.StartsWith("354", await raw.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await raw.CommandAsync("Subject: x\r\n\r\nbody\r\n."), StringComparison.Ordinal);
        Assert.Equal(["r0@example.net", "r1@example.net"], Assert.Single(await relay.QueuedAsync()).Recipients.Select(r => r.Address));
    }

    [Fact]
    public async Task StartTls_HandshakeStalls_SlotFreedAfterCommandTimeout()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.Limits.MaxSessions = 1);
        using var stalled = relay.Raw();
        await stalled.HelloAsync();
        Assert.StartsWith("220", await stalled.CommandAsync("STARTTLS"), StringComparison.Ordinal);

        // The stalled client sends no ClientHello. Its handshake deadline runs on the listener's
        // (fake) clock; the clock is moved on until the slot is free, since the handshake may not
        // have started yet when the client reads 220.
        string? greeting = null;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (greeting?.StartsWith("220", StringComparison.Ordinal) != true)
        {
            relay.Temp.Clock.Advance(TimeSpan.FromMinutes(6));
            using var next = relay.Raw();
            greeting = await next.ReadReplyAsync();
            if (greeting?.StartsWith("421", StringComparison.Ordinal) == true)
            {
                await Task.Delay(20, bound.Token);
            }
        }

        Assert.Equal("220 relay.test ESMTP ready", greeting);
        Assert.Null(await stalled.ReadReplyAsync());

        // The session's failure is logged once SmtpServer has unwound it, after the slot was freed.
        while (!relay.Log.Entries.Any(e => e.Id.Id == 1109))
        {
            await Task.Delay(20, bound.Token);
        }

        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1109 && e.Message.Contains("TLS handshake not finished", StringComparison.Ordinal));
    }
}
