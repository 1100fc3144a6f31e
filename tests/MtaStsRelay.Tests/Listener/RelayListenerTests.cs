using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Tests.Listener;

/// <summary>The listener driven by MailKit, as Exchange would drive it.</summary>
public sealed class RelayListenerTests
{
    [Fact]
    public async Task Send_FromAllowedNetwork_Replies250WithQueueIdAndSpoolsWithReceivedHeader()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var client = await relay.ConnectAsync();

        var reply = await client.SendAsync(Message("to@example.net", "other@Example.NET"), TestTimeout.Token);

        var queueId = Assert.Single((await relay.QueuedAsync()).Select(e => e.QueueId));
        Assert.Equal($"2.0.0 Ok: queued as {queueId}", reply);
        var envelope = Assert.Single(await relay.Temp.Create().RecoverAsync());
        Assert.Equal("from@example.org", envelope.Sender);
        Assert.Equal(["to@example.net", "other@Example.NET"], envelope.Recipients.Select(r => r.Address));
        Assert.Equal("127.0.0.1", envelope.ClientAddress);
        Assert.Equal("client.test", envelope.HeloName);
        var stored = Encoding.ASCII.GetString(await File.ReadAllBytesAsync(relay.Spool.MessagePath(queueId)));
        Assert.StartsWith(
            $"Received: from client.test ([127.0.0.1])\r\n\tby relay.test (mtasts-relay) with ESMTP id {queueId};\r\n\tSat, 28 Nov 2026 12:00:00 +0000\r\n",
            stored, StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: hello\r\n", stored, StringComparison.Ordinal);
        Assert.EndsWith("body line\r\n", stored, StringComparison.Ordinal);
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1100 && e.Message.Contains(queueId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_ClientOutsideAllowedNetworksWithoutAuth_554RelayDeniedAndNothingQueued()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.AllowedNetworks = ["192.0.2.0/24"]);
        using var client = await relay.ConnectAsync();

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("to@example.net"), TestTimeout.Token));

        Assert.Equal(554, (int)error.StatusCode);
        Assert.StartsWith("5.7.1 Relay access denied", error.Message, StringComparison.Ordinal);
        Assert.Empty(await relay.QueuedAsync());
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1101);
    }

    [Fact]
    public async Task Send_AuthenticatedOverStartTlsFromOtherNetwork_QueuedAsEsmtpsa()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.AllowedNetworks = ["192.0.2.0/24"]);
        using var client = await relay.ConnectAsync(SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("relay-user", ListenerHarness.Password, TestTimeout.Token);

        var reply = await client.SendAsync(Message("to@example.net"), TestTimeout.Token);

        var envelope = Assert.Single(await relay.QueuedAsync());
        Assert.Equal($"2.0.0 Ok: queued as {envelope.QueueId}", reply);
        var stored = await File.ReadAllTextAsync(relay.Spool.MessagePath(envelope.QueueId));
        Assert.Contains($"with ESMTPSA id {envelope.QueueId};", stored, StringComparison.Ordinal);
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1107);
    }

    [Fact]
    public async Task Authenticate_WrongPassword_RefusedAndRelayStillDenied()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.AllowedNetworks = ["192.0.2.0/24"]);
        using var client = await relay.ConnectAsync(SecureSocketOptions.StartTls);

        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("relay-user", "wrong", TestTimeout.Token));
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("to@example.net"), TestTimeout.Token));

        Assert.Equal(554, (int)error.StatusCode);
        Assert.Empty(await relay.QueuedAsync());
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1106 && e.Message.Contains("relay-user", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Authenticate_UnknownUser_Refused()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true);
        using var client = await relay.ConnectAsync(SecureSocketOptions.StartTls);

        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("nobody", ListenerHarness.Password, TestTimeout.Token));
    }

    [Fact]
    public async Task Ehlo_Capabilities_NoSmtpUtf8AndAuthOnlyAfterStartTls()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true);
        using var plain = await relay.ConnectAsync();
        using var secure = await relay.ConnectAsync(SecureSocketOptions.StartTls);

        Assert.True(plain.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        Assert.False(plain.Capabilities.HasFlag(SmtpCapabilities.Authentication));
        Assert.False(plain.Capabilities.HasFlag(SmtpCapabilities.UTF8));
        Assert.True(plain.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
        Assert.True(plain.Capabilities.HasFlag(SmtpCapabilities.EightBitMime));
        Assert.True(plain.Capabilities.HasFlag(SmtpCapabilities.Size));
        Assert.Equal(36_700_160u, plain.MaxSize);
        Assert.True(secure.IsSecure);
        Assert.Contains("PLAIN", secure.AuthenticationMechanisms);
        Assert.False(secure.Capabilities.HasFlag(SmtpCapabilities.UTF8));
    }

    [Fact]
    public async Task Ehlo_TlsWithoutUsers_NoAuthAdvertised()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.Auth.Users.Clear());
        using var client = await relay.ConnectAsync(SecureSocketOptions.StartTls);

        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.Authentication));
        await Assert.ThrowsAnyAsync<Exception>(() => client.AuthenticateAsync("anyone", "anything", TestTimeout.Token));
        Assert.False(client.IsAuthenticated);
    }

    [Fact]
    public async Task StartTls_Negotiated_UsesTls12OrLater()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true);
        using var client = await relay.ConnectAsync(SecureSocketOptions.StartTls);

        Assert.True(client.SslProtocol >= System.Security.Authentication.SslProtocols.Tls12);
    }

    [Fact]
    public async Task Send_RequireTlsWithoutStartTls_530AtMail()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.Listen[0].RequireTls = true);
        using var client = await relay.ConnectAsync();

        // MailKit reports a 530 reply as ServiceNotAuthenticatedException.
        var error = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => client.SendAsync(Message("to@example.net"), TestTimeout.Token));

        Assert.StartsWith("5.7.0 Must issue a STARTTLS command first", error.Message, StringComparison.Ordinal);
        Assert.Empty(await relay.QueuedAsync());
    }

    [Fact]
    public async Task Send_RequireTlsAfterStartTls_Queued()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => o.Listen[0].RequireTls = true);
        using var client = await relay.ConnectAsync(SecureSocketOptions.StartTls);

        await client.SendAsync(Message("to@example.net"), TestTimeout.Token);

        var envelope = Assert.Single(await relay.QueuedAsync());
        Assert.Contains($"with ESMTPS id {envelope.QueueId};", await File.ReadAllTextAsync(relay.Spool.MessagePath(envelope.QueueId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_DeclaredSizeOverLimit_552AndNothingQueued()
    {
        await using var relay = await ListenerHarness.StartAsync(configure: o => o.Limits.MaxMessageSize = 2000);
        using var client = await relay.ConnectAsync();
        var message = Message("to@example.net");
        message.Body = new TextPart("plain") { Text = new string('x', 5000) };

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message, TestTimeout.Token));

        Assert.Equal(552, (int)error.StatusCode);
        Assert.Empty(await relay.QueuedAsync());
    }

    [Fact]
    public async Task Send_SpoolCannotWrite_451AndNothingVisible()
    {
        await using var relay = await ListenerHarness.StartAsync();
        Directory.CreateDirectory(relay.Temp.SpoolPath);
        await File.WriteAllTextAsync(relay.Temp.QueueFolder, "a file where the queue folder should be");
        using var client = await relay.ConnectAsync();

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("to@example.net"), TestTimeout.Token));

        Assert.Equal(451, (int)error.StatusCode);
        Assert.StartsWith("4.3.0", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(relay.Temp.TempFolder));
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1104);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Send_TwoMessagesInOneSession_BothQueuedWithOwnIds()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var client = await relay.ConnectAsync();

        var first = await client.SendAsync(Message("a@example.net"), TestTimeout.Token);
        var second = await client.SendAsync(Message("b@example.net", "c@example.net"), TestTimeout.Token);

        Assert.NotEqual(first, second);
        var queued = await relay.QueuedAsync();
        Assert.Equal([1, 2], queued.Select(e => e.Recipients.Count));
    }

    [Fact]
    public async Task StartAsync_PortInUse_Throws()
    {
        await using var first = await ListenerHarness.StartAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ListenerHarness.StartAsync(configure: o => o.Listen[0].Port = first.Port));

        Assert.Contains("listen", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BoundEndPoints_PortZero_ReportsRealPortPerEndpoint()
    {
        await using var relay = await ListenerHarness.StartAsync(configure: o => o.Listen.Add(new ListenEndpointOptions { Port = 0 }));

        Assert.Equal(2, relay.Listener.BoundEndPoints.Count);
        Assert.All(relay.Listener.BoundEndPoints, e => Assert.NotEqual(0, e.Port));
        Assert.NotEqual(relay.Listener.BoundEndPoints[0].Port, relay.Listener.BoundEndPoints[1].Port);
        Assert.True(relay.Listener.Listening.IsCompletedSuccessfully);
    }

    private static MimeMessage Message(params string[] recipients)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("from@example.org"));
        foreach (var recipient in recipients)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = "hello";
        message.Body = new TextPart("plain") { Text = "body line" };
        return message;
    }
}
