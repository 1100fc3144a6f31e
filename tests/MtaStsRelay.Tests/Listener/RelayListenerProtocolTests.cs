using System.Text;

namespace MtaStsRelay.Tests.Listener;

/// <summary>Protocol-level cases, with a bare TCP client.</summary>
public sealed class RelayListenerProtocolTests
{
    [Fact]
    public async Task Greeting_NoLibraryVersion()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();

        Assert.Equal("220 relay.test ESMTP ready", await raw.ReadReplyAsync());
    }

    [Fact]
    public async Task Ehlo_Reply_ListsOurExtensionsOnly()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();

        var ehlo = await raw.HelloAsync();

        Assert.Equal("250-relay.test Hello client.test\n250-PIPELINING\n250-8BITMIME\n250 SIZE 36700160", ehlo);
    }

    [Fact]
    public async Task Ehlo_AfterStartTls_AuthButNoStartTlsAndNoSmtpUtf8()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true);
        using var raw = relay.Raw();

        var before = await raw.HelloAsync();
        var after = await raw.StartTlsAsync(relay.Certificate!);

        Assert.Equal("250-relay.test Hello client.test\n250-PIPELINING\n250-8BITMIME\n250-STARTTLS\n250 SIZE 36700160", before);
        Assert.Equal("250-relay.test Hello client.test\n250-PIPELINING\n250-8BITMIME\n250-SIZE 36700160\n250 AUTH PLAIN LOGIN", after);
    }

    [Fact]
    public async Task Data_EightBitHeaderAndDotStuffing_StoredIntact()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();
        await raw.HelloAsync();
        byte[] content = [.. "Subject: caf"u8, 0xC3, 0xA9, 0x20, 0xFF, .. "\r\nX-Raw: "u8, 0x80, 0xFE, .. "\r\n\r\n..leading dot\r\nend"u8];
        byte[] wire = [.. "MAIL FROM:<from@example.org> BODY=8BITMIME\r\nRCPT TO:<to@example.net>\r\nDATA\r\n"u8, .. content, .. "\r\n.\r\n"u8];

        await raw.WriteAsync(wire);
        Assert.StartsWith("250", await raw.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await raw.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("354", await raw.ReadReplyAsync(), StringComparison.Ordinal);
        var reply = await raw.ReadReplyAsync();

        var envelope = Assert.Single(await relay.QueuedAsync());
        Assert.Equal($"250 2.0.0 Ok: queued as {envelope.QueueId}", reply);
        var stored = await File.ReadAllBytesAsync(relay.Spool.MessagePath(envelope.QueueId));
        var body = stored.AsSpan(stored.AsSpan().IndexOf("Subject:"u8)).ToArray();
        byte[] unstuffed = [.. "Subject: caf"u8, 0xC3, 0xA9, 0x20, 0xFF, .. "\r\nX-Raw: "u8, 0x80, 0xFE, .. "\r\n\r\n.leading dot\r\nend\r\n"u8];
        Assert.Equal(unstuffed, body);
    }

    [Fact]
    public async Task Rcpt_TooManyRecipients_452AndOthersKept()
    {
        await using var relay = await ListenerHarness.StartAsync(configure: o => o.Limits.MaxRecipients = 2);
        using var raw = relay.Raw();
        await raw.HelloAsync();

        Assert.StartsWith("250", await raw.CommandAsync("MAIL FROM:<from@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await raw.CommandAsync("RCPT TO:<a@example.net>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await raw.CommandAsync("RCPT TO:<b@example.net>"), StringComparison.Ordinal);
        Assert.StartsWith("452 4.5.3 Too many recipients", await raw.CommandAsync("RCPT TO:<c@example.net>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await raw.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await raw.CommandAsync("Subject: x\r\n\r\nbody\r\n."), StringComparison.Ordinal);

        // A new transaction starts counting again.
        Assert.StartsWith("250", await raw.CommandAsync("MAIL FROM:<from@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await raw.CommandAsync("RCPT TO:<c@example.net>"), StringComparison.Ordinal);

        Assert.Equal(["a@example.net", "b@example.net"], Assert.Single(await relay.QueuedAsync()).Recipients.Select(r => r.Address));
    }

    [Fact]
    public async Task Rcpt_DuplicateRecipient_QueuedOnce()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();
        await raw.HelloAsync();

        await raw.CommandAsync("MAIL FROM:<>");
        await raw.CommandAsync("RCPT TO:<a@example.net>");
        await raw.CommandAsync("RCPT TO:<a@EXAMPLE.net>");
        await raw.CommandAsync("DATA");
        Assert.StartsWith("250", await raw.CommandAsync("Subject: x\r\n\r\nbody\r\n."), StringComparison.Ordinal);

        var envelope = Assert.Single(await relay.QueuedAsync());
        Assert.Equal("", envelope.Sender);
        Assert.Equal(["a@example.net"], envelope.Recipients.Select(r => r.Address));
    }

    [Fact]
    public async Task Command_Garbage_5xxAndSessionContinues()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();
        await raw.HelloAsync();

        var reply = await raw.CommandAsync("FROBNICATE the widgets");

        Assert.Matches("^5[0-9][0-9] ", reply);
        Assert.StartsWith("250", await raw.CommandAsync("NOOP"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_LineLongerThanMaxMessageSize_552AndClosed()
    {
        await using var relay = await ListenerHarness.StartAsync(configure: o => o.Limits.MaxMessageSize = 4096);
        using var raw = relay.Raw();
        await raw.HelloAsync();

        var reply = await raw.CommandAsync("NOOP " + new string('a', 10_000));

        Assert.StartsWith("552 ", reply, StringComparison.Ordinal);
        Assert.Null(await raw.ReadReplyAsync());
    }

    [Theory]
    [InlineData("\r\nNOOP\r\n")]
    [InlineData("")]
    public async Task Command_100KilobyteLine_500LineTooLongClosedAndNextClientServed(string after)
    {
        await using var relay = await ListenerHarness.StartAsync();
        using (var raw = relay.Raw())
        {
            await raw.HelloAsync();

            await raw.WriteOrClosedAsync("NOOP " + new string('a', 100_000) + after);

            // The 500 or, if the reset overtook it, nothing; never the 250 of the NOOP after it.
            var reply = await raw.ReadReplyOrClosedAsync();
            Assert.True(reply is null || reply.StartsWith("500 5.5.2 Line too long", StringComparison.Ordinal), reply);
            Assert.Null(await raw.ReadReplyOrClosedAsync());
        }

        using var next = relay.Raw();
        await next.HelloAsync();
        Assert.StartsWith("250", await next.CommandAsync("NOOP"), StringComparison.Ordinal);
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1123 && e.Message.Contains("127.0.0.1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MAIL FROM:<{0}@example.org>")]
    [InlineData("RCPT TO:<{0}@example.net>")]
    public async Task Command_AddressLongerThan256_501(string command)
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();
        await raw.HelloAsync();
        if (command.StartsWith("RCPT", StringComparison.Ordinal))
        {
            await raw.CommandAsync("MAIL FROM:<from@example.org>");
        }

        var reply = await raw.CommandAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, command, new string('a', 10_000)));

        Assert.StartsWith("501 5.1.3", reply, StringComparison.Ordinal);
        Assert.Empty(await relay.QueuedAsync());
    }

    [Fact]
    public async Task Data_BodyOverLimitWithoutSize_552AndNothingQueued()
    {
        await using var relay = await ListenerHarness.StartAsync(configure: o => o.Limits.MaxMessageSize = 2000);
        using var raw = relay.Raw();
        await raw.HelloAsync();
        await raw.CommandAsync("MAIL FROM:<from@example.org>");
        await raw.CommandAsync("RCPT TO:<to@example.net>");
        Assert.StartsWith("354", await raw.CommandAsync("DATA"), StringComparison.Ordinal);

        var body = string.Concat(Enumerable.Repeat("0123456789012345678901234567890123456789012345678\r\n", 100));
        var reply = await raw.CommandAsync("Subject: big\r\n\r\n" + body + ".");

        Assert.StartsWith("552", reply, StringComparison.Ordinal);
        Assert.Empty(await relay.QueuedAsync());
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1111);
    }

    [Fact]
    public async Task Data_ClientDisconnectsMidBody_NothingQueued()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using (var dropped = relay.Raw())
        {
            await dropped.HelloAsync();
            await dropped.CommandAsync("MAIL FROM:<from@example.org>");
            await dropped.CommandAsync("RCPT TO:<lost@example.net>");
            Assert.StartsWith("354", await dropped.CommandAsync("DATA"), StringComparison.Ordinal);
            await dropped.WriteAsync("Subject: cut off\r\n\r\nhalf a bo");
        }

        // A complete message afterwards goes through; the cut-off one never shows up.
        using var raw = relay.Raw();
        await raw.HelloAsync();
        await raw.CommandAsync("MAIL FROM:<from@example.org>");
        await raw.CommandAsync("RCPT TO:<kept@example.net>");
        await raw.CommandAsync("DATA");
        Assert.StartsWith("250", await raw.CommandAsync("Subject: whole\r\n\r\nbody\r\n."), StringComparison.Ordinal);

        var envelope = Assert.Single(await relay.QueuedAsync());
        Assert.Equal("kept@example.net", envelope.Recipients[0].Address);
        Assert.Empty(Directory.EnumerateFileSystemEntries(relay.Temp.TempFolder));
    }

    [Fact]
    public async Task Connect_OverSessionLimit_421ThenFreedSlotAccepted()
    {
        await using var relay = await ListenerHarness.StartAsync(configure: o => o.Limits.MaxSessions = 1);
        var first = relay.Raw();
        Assert.StartsWith("220", await first.ReadReplyAsync(), StringComparison.Ordinal);

        using (var second = relay.Raw())
        {
            Assert.Equal("421 4.7.0 Too many connections, try again later", await second.ReadReplyAsync());
            Assert.Null(await second.ReadReplyAsync());
        }

        Assert.StartsWith("221", await first.CommandAsync("QUIT"), StringComparison.Ordinal);
        Assert.Null(await first.ReadReplyAsync());
        first.Dispose();

        // The slot is freed when the server has disposed the first session, shortly after QUIT.
        string? greeting = null;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (greeting?.StartsWith("220", StringComparison.Ordinal) != true)
        {
            using var next = relay.Raw();
            greeting = await next.ReadReplyAsync();
            if (greeting?.StartsWith("421", StringComparison.Ordinal) == true)
            {
                await Task.Delay(20, bound.Token);
            }
        }

        Assert.StartsWith("220", greeting, StringComparison.Ordinal);
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1105);
    }

    [Fact]
    public async Task Rcpt_ProxyLineClaimsAllowedAddress_StillDenied()
    {
        // A user is configured, so the stranger gets a session (to AUTH) rather than a 554 greeting.
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.AllowedNetworks = ["192.0.2.0/24"]);
        using var raw = relay.Raw();
        Assert.StartsWith("220", await raw.ReadReplyAsync(), StringComparison.Ordinal);
        await raw.WriteAsync("PROXY TCP4 192.0.2.5 192.0.2.1 40000 25\r\n");
        Assert.StartsWith("250", await raw.CommandAsync("EHLO client.test"), StringComparison.Ordinal);

        await raw.CommandAsync("MAIL FROM:<from@example.org>");
        var reply = await raw.CommandAsync("RCPT TO:<to@example.net>");

        Assert.StartsWith("554 5.7.1 Relay access denied", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rcpt_Utf8Domain_553NotMangledIntoQueue()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();
        await raw.HelloAsync();
        await raw.CommandAsync("MAIL FROM:<from@example.org>");

        await raw.WriteAsync([.. "RCPT TO:<j"u8, 0xC3, 0xB6, .. "rg@b"u8, 0xC3, 0xBC, .. "cher.example>\r\n"u8]);
        var reply = await raw.ReadReplyAsync();

        Assert.StartsWith("553 5.6.7", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_OverPlainText_Refused()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.AllowedNetworks = ["192.0.2.0/24"]);
        using var raw = relay.Raw();
        await raw.HelloAsync();
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0relay-user\0" + ListenerHarness.Password));

        var reply = await raw.CommandAsync("AUTH PLAIN " + credentials);

        Assert.DoesNotMatch("^235", reply!);
        await raw.CommandAsync("MAIL FROM:<from@example.org>");
        Assert.StartsWith("554", await raw.CommandAsync("RCPT TO:<to@example.net>"), StringComparison.Ordinal);
    }
}
