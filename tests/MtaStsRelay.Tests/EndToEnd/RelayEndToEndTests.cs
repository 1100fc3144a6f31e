using System.Security.Authentication;
using MailKit.Net.Smtp;
using MimeKit;
using SimulatedInternet;

namespace MtaStsRelay.Tests.EndToEnd;

/// <summary>
/// One test per promise of the relay, end to end: a MailKit "Exchange" sends through the relay, which
/// delivers on the simulated internet (DNS, HTTPS policy hosts with a private CA, receiving MX hosts).
/// Waits are bounded by a cancellation timeout, never by sleeping; retries are driven by fake time.
/// </summary>
public sealed class RelayEndToEndTests : RelayScenario
{
    [Fact]
    public async Task Enforce_GoodMx_DeliveredOverVerifiedTls()
    {
        var mx = await Internet.AddMxHostAsync("enforce.test", 10, "mx1.enforce.test");
        Internet.PublishPolicy("enforce.test", "1", PolicyText.Enforce("mx1.enforce.test"));

        var id = await SendAsync("bob@enforce.test");

        var received = Assert.Single(await mx.WaitForMessagesAsync(1, Timeout()));
        Assert.True(received.IsSecure);
        Assert.True(received.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13);
        Assert.Equal(["bob@enforce.test"], received.Recipients);
        var line = await Relay.WaitForAttemptAsync(id, "enforce.test", "sent", Timeout());
        Assert.Contains("policy=enforce policy_id=1 policy_source=fetched", line.Message, StringComparison.Ordinal);
        Assert.Contains("cert_verified=yes", line.Message, StringComparison.Ordinal);
        Assert.Contains("mx=mx1.enforce.test", line.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CertificateKind.None, "starttls-not-supported")]
    [InlineData(CertificateKind.WrongName, "certificate-host-mismatch")]
    [InlineData(CertificateKind.SelfSigned, "certificate-not-trusted")]
    [InlineData(CertificateKind.Expired, "certificate-expired")]
    public async Task Enforce_BadMx_DeferredNothingReceivedReasonLogged(CertificateKind certificate, string failureType)
    {
        var mx = await Internet.AddMxHostAsync("strict.test", 10, "mx1.strict.test", certificate);
        Internet.PublishPolicy("strict.test", "1", PolicyText.Enforce("mx1.strict.test"));

        var id = await SendAsync("bob@strict.test");

        var line = await Relay.WaitForAttemptAsync(id, "strict.test", "deferred", Timeout());
        Assert.Contains($"failure={failureType}", line.Message, StringComparison.Ordinal);
        Assert.Contains("status=4.7.5", line.Message, StringComparison.Ordinal);
        Assert.Empty(mx.Messages);
        Assert.Contains(Relay.Logs.Lines, l => l.EventId == 3002 && l.Message.Contains(failureType, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enforce_MxNotInPolicy_SkippedNeverContacted()
    {
        var mx = await Internet.AddMxHostAsync("unlisted.test", 10, "mx.elsewhere.test");
        Internet.PublishPolicy("unlisted.test", "1", PolicyText.Enforce("mx1.unlisted.test"));

        var id = await SendAsync("bob@unlisted.test");

        var line = await Relay.WaitForAttemptAsync(id, "unlisted.test", "deferred", Timeout());
        Assert.Contains("failure=validation-failure", line.Message, StringComparison.Ordinal);
        Assert.Contains("status=4.4.8", line.Message, StringComparison.Ordinal);
        Assert.Equal(0, mx.SessionCount);
        Assert.Contains(Relay.Logs.Lines, l => l.EventId == 3001 && l.Message.Contains("mx=mx.elsewhere.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enforce_BadFirstMxGoodSecond_DeliveredToSecond()
    {
        var bad = await Internet.AddMxHostAsync("second.test", 10, "mx1.second.test", CertificateKind.WrongName);
        var good = await Internet.AddMxHostAsync("second.test", 20, "mx2.second.test");
        Internet.PublishPolicy("second.test", "1", PolicyText.Enforce("*.second.test"));

        var id = await SendAsync("bob@second.test");

        Assert.Single(await good.WaitForMessagesAsync(1, Timeout()));
        Assert.Empty(bad.Messages);
        var line = await Relay.WaitForAttemptAsync(id, "second.test", "sent", Timeout());
        Assert.Contains("mx=mx2.second.test", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Testing_BadMx_DeliveredWithLoggedViolation()
    {
        var mx = await Internet.AddMxHostAsync("testing.test", 10, "mx1.testing.test", CertificateKind.SelfSigned);
        Internet.PublishPolicy("testing.test", "1", PolicyText.Testing("mx1.testing.test"));

        var id = await SendAsync("bob@testing.test");

        Assert.Single(await mx.WaitForMessagesAsync(1, Timeout()));
        var violation = await Relay.Logs.WaitForAsync(l => l.EventId == 3003 && l.Message.Contains(id, StringComparison.Ordinal), Timeout());
        Assert.Contains("certificate-not-trusted", violation.Message, StringComparison.Ordinal);
        var line = await Relay.WaitForAttemptAsync(id, "testing.test", "sent", Timeout());
        Assert.Contains("policy=testing", line.Message, StringComparison.Ordinal);
        Assert.Contains("cert_verified=no", line.Message, StringComparison.Ordinal);
        // The record of a delivery made despite the policy keeps the violation (for TLS-RPT).
        Assert.Contains("failure=certificate-not-trusted", line.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CertificateKind.SelfSigned, true)]
    [InlineData(CertificateKind.None, false)]
    public async Task NoPolicy_Opportunistic(CertificateKind certificate, bool expectTls)
    {
        var mx = await Internet.AddMxHostAsync("plain.test", 10, "mx1.plain.test", certificate);

        var id = await SendAsync("bob@plain.test");

        var received = Assert.Single(await mx.WaitForMessagesAsync(1, Timeout()));
        Assert.Equal(expectTls, received.IsSecure);
        var line = await Relay.WaitForAttemptAsync(id, "plain.test", "sent", Timeout());
        Assert.Contains("policy=none", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyIdChange_RefetchedAndNewMxListApplied()
    {
        var first = await Internet.AddMxHostAsync("moving.test", 10, "mx1.moving.test");
        Internet.PublishPolicy("moving.test", "1", PolicyText.Enforce("mx1.moving.test"));
        var firstId = await SendAsync("bob@moving.test");
        Assert.Single(await first.WaitForMessagesAsync(1, Timeout()));
        await Relay.WaitForAttemptAsync(firstId, "moving.test", "sent", Timeout());

        // The domain moves to a new MX and publishes a new policy id; the old MX stays in DNS but is no longer listed.
        var second = await Internet.AddMxHostAsync("moving.test", 5, "mx2.moving.test");
        Internet.ChangePolicy("moving.test", "2", PolicyText.Enforce("mx2.moving.test"));
        Relay.Time.Advance(TimeSpan.FromMinutes(2)); // past the TXT lookup interval
        var secondId = await SendAsync("carol@moving.test");

        Assert.Single(await second.WaitForMessagesAsync(1, Timeout()));
        var line = await Relay.WaitForAttemptAsync(secondId, "moving.test", "sent", Timeout());
        Assert.Contains("policy_id=2 policy_source=fetched", line.Message, StringComparison.Ordinal);
        Assert.Single(first.Messages);
    }

    [Fact]
    public async Task TemporaryFailureThenSuccess_DeliveredOnRetry()
    {
        var mx = await Internet.AddMxHostAsync("retry.test", 10, "mx1.retry.test");
        mx.SetRecipientReply("bob@retry.test", RecipientReply.TemporaryThenAccept(1));

        var id = await SendAsync("bob@retry.test");
        await Relay.WaitForAttemptAsync(id, "retry.test", "deferred", Timeout());
        await Relay.WaitForDeferredAsync(id, Timeout());
        Assert.Empty(mx.Messages);

        Relay.Time.Advance(TimeSpan.FromMinutes(6));

        Assert.Single(await mx.WaitForMessagesAsync(1, Timeout()));
        await Relay.WaitForAttemptAsync(id, "retry.test", "sent", Timeout());
    }

    [Fact]
    public async Task OneAcceptedOneRejected_OneDeliveredOneBounce()
    {
        var mx = await Internet.AddMxHostAsync("mixed.test", 10, "mx1.mixed.test");
        mx.SetRecipientReply("nobody@mixed.test", RecipientReply.RejectPermanently);

        var id = await SendAsync("bob@mixed.test", "nobody@mixed.test");

        var delivered = Assert.Single(await mx.WaitForMessagesAsync(1, Timeout()));
        Assert.Equal(["bob@mixed.test"], delivered.Recipients);
        var bounce = Assert.Single(await SenderMx.WaitForMessagesAsync(1, Timeout()));
        Assert.Equal("", bounce.Sender);
        Assert.Equal([Sender], bounce.Recipients);
        var report = MimeMessage.Load(new MemoryStream(bounce.DataWithFinalCrLf));
        Assert.Contains("multipart/report", report.Body!.ContentType.MimeType, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("nobody@mixed.test", bounce.Text, StringComparison.Ordinal);
        Assert.Contains("5.1.1", bounce.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Final-Recipient: rfc822; bob@mixed.test", bounce.Text, StringComparison.Ordinal);
        await Relay.WaitForAttemptAsync(id, "mixed.test", "partial", Timeout());
    }

    [Fact]
    public async Task QueueLifetimeExpiry_Bounces()
    {
        var mx = await Internet.AddMxHostAsync("down.test", 10, "mx1.down.test");
        mx.SetRecipientReply("bob@down.test", RecipientReply.RejectTemporarily);

        var id = await SendAsync("bob@down.test");
        await Relay.WaitForAttemptAsync(id, "down.test", "deferred", Timeout());
        await Relay.WaitForDeferredAsync(id, Timeout());
        Relay.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        var bounce = Assert.Single(await SenderMx.WaitForMessagesAsync(1, Timeout()));
        Assert.Contains("bob@down.test", bounce.Text, StringComparison.Ordinal);
        Assert.Contains("Action: failed", bounce.Text, StringComparison.Ordinal);
        Assert.Empty(mx.Messages);
    }

    [Fact]
    public async Task NullMx_BouncesWith5110()
    {
        Internet.Dns.AddMx("nomail.test", 0, ".");

        var id = await SendAsync("bob@nomail.test");

        await Relay.WaitForAttemptAsync(id, "nomail.test", "bounced", Timeout());
        var bounce = Assert.Single(await SenderMx.WaitForMessagesAsync(1, Timeout()));
        Assert.Contains("5.1.10", bounce.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_WithMailQueued_DeliveredExactlyOncePerRecipient()
    {
        var mx = await Internet.AddMxHostAsync("later.test", 10, "mx1.later.test");
        mx.SetRecipientReply("carol@later.test", RecipientReply.TemporaryThenAccept(1));

        var id = await SendAsync("bob@later.test", "carol@later.test");
        await Relay.WaitForAttemptAsync(id, "later.test", "partial", Timeout());
        Assert.Equal(["bob@later.test"], Assert.Single(mx.Messages).Recipients);

        await Relay.RestartAsync();
        Relay.Time.Advance(TimeSpan.FromMinutes(6));

        var all = await mx.WaitForMessagesAsync(2, Timeout());
        Assert.Equal(["carol@later.test"], all[1].Recipients);
        await Relay.WaitForAttemptAsync(id, "later.test", "sent", Timeout());
        Assert.Equal(1, mx.RecipientAttempts("bob@later.test"));
        // The entry is removed after the attempt's line: wait for message-done before looking.
        await Relay.WaitForDoneAsync(id, Timeout());
        Assert.Empty(await Relay.Spool.ListAsync());
    }

    [Fact]
    public async Task OversizedMessage_RefusedNothingQueued()
    {
        await using var relay = await RelayTestHost.StartAsync(Internet, s => s["Relay:Limits:MaxMessageSize"] = "2000");

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            relay.SendAsync(Sender, ["bob@big.test"], body: new string('x', 5000) + "\r\n"));

        Assert.Equal(552, (int)error.StatusCode);
        Assert.Empty(await relay.Spool.ListAsync());
    }

    [Fact]
    public async Task ClientOutsideAllowedNetworks_RefusedNothingQueued()
    {
        await using var relay = await RelayTestHost.StartAsync(Internet, s => s["Relay:AllowedNetworks:0"] = "192.0.2.0/24");

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => relay.SendAsync(Sender, ["bob@open.test"]));

        Assert.Equal(554, (int)error.StatusCode);
        Assert.Contains("5.7.1", error.Message, StringComparison.Ordinal);
        Assert.Empty(await relay.Spool.ListAsync());
    }

    [Fact]
    public async Task Shutdown_DuringStalledDelivery_StopsAcceptingAndKeepsMessageQueued()
    {
        await using var relay = await RelayTestHost.StartAsync(Internet, s => s["Relay:Delivery:ShutdownGrace"] = "00:00:01");
        var stalled = await Internet.AddBrokenMxHostAsync("stall.test", 10, "mx1.stall.test", BrokenSmtpBehavior.StallAfterGreeting);
        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, ["bob@stall.test"]));
        var bound = Timeout();
        while (stalled.ConnectionCount == 0)
        {
            await Task.Delay(20, bound); // the delivery is now in flight
        }

        var endPoint = relay.SmtpEndPoint;
        await relay.RestartAsync(stopOnly: true);

        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(endPoint.Address, endPoint.Port));
        var spool = new MtaStsRelay.Queue.Spool(
            Microsoft.Extensions.Options.Options.Create(new MtaStsRelay.Queue.SpoolOptions { Path = Path.Combine(relay.Folder, "spool") }),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MtaStsRelay.Queue.Spool>.Instance);
        Assert.Contains(relay.Logs.Lines, l => l.EventId == 3013 && l.Message.Contains(id, StringComparison.Ordinal));
        var queued = Assert.Single(await spool.RecoverAsync());
        Assert.Equal(id, queued.QueueId);
        Assert.Equal(MtaStsRelay.Queue.RecipientStatus.Pending, Assert.Single(queued.Recipients).Status);
    }

    [Fact]
    public async Task MxLookupServfail_RetriedWithinAttemptThenDeferred()
    {
        Internet.Dns.SetResponseCode("flaky.test", DnsRcode.ServFail);

        var id = await SendAsync("bob@flaky.test");

        var line = await Relay.WaitForAttemptAsync(id, "flaky.test", "deferred", Timeout());
        Assert.Contains("status=4.4.3", line.Message, StringComparison.Ordinal);
        // One lookup plus two quick retries inside the attempt (each may be asked twice by DnsClient).
        Assert.True(Internet.Dns.QueryCount("flaky.test", DnsRecordType.Mx) >= 3);
    }

    [Fact]
    public async Task OverrideOff_IgnoresBrokenEnforcePolicy()
    {
        await using var relay = await RelayTestHost.StartAsync(Internet, s => s["Relay:Domains:partner.test:MtaSts"] = "Off");
        var mx = await Internet.AddMxHostAsync("partner.test", 10, "mx1.partner.test", CertificateKind.WrongName);
        Internet.PublishPolicy("partner.test", "1", PolicyText.Enforce("mx1.partner.test"));

        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, ["bob@partner.test"]));

        Assert.Single(await mx.WaitForMessagesAsync(1, Timeout()));
        var line = await relay.WaitForAttemptAsync(id, "partner.test", "sent", Timeout());
        Assert.Contains("policy=off policy_id=- policy_source=override", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverrideRequireTls_DomainWithoutPolicyAndNoStartTls_Deferred()
    {
        await using var relay = await RelayTestHost.StartAsync(Internet, s => s["Relay:Domains:bank.test:MtaSts"] = "RequireTls");
        var mx = await Internet.AddMxHostAsync("bank.test", 10, "mx1.bank.test", CertificateKind.None);

        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, ["bob@bank.test"]));

        var line = await relay.WaitForAttemptAsync(id, "bank.test", "deferred", Timeout());
        Assert.Contains("policy=require-tls", line.Message, StringComparison.Ordinal);
        Assert.Contains("failure=starttls-not-supported", line.Message, StringComparison.Ordinal);
        Assert.Empty(mx.Messages);
    }

    [Fact]
    public async Task DelayNotice_SentOnceWhileStillRetrying()
    {
        await using var relay = await RelayTestHost.StartAsync(Internet, s => s["Relay:Queue:DelayNotice"] = "00:10:00");
        var mx = await Internet.AddMxHostAsync("slow.test", 10, "mx1.slow.test");
        mx.SetRecipientReply("bob@slow.test", RecipientReply.RejectTemporarily);

        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, ["bob@slow.test"]));
        await relay.WaitForAttemptAsync(id, "slow.test", "deferred", Timeout());
        await relay.WaitForDeferredAsync(id, Timeout());
        relay.Time.Advance(TimeSpan.FromMinutes(11));

        var notice = Assert.Single(await SenderMx.WaitForMessagesAsync(1, Timeout()));
        Assert.Contains("Action: delayed", notice.Text, StringComparison.Ordinal);
        Assert.Contains("bob@slow.test", notice.Text, StringComparison.Ordinal);
        // The notice can arrive before the envelope saying it was sent is written: wait for that write.
        await relay.Logs.WaitForAsync(l => l.EventId == 3006 && l.Message.Contains($"queue_id={id} ", StringComparison.Ordinal)
            && l.Message.Contains("attempts=2 ", StringComparison.Ordinal), Timeout());
        var queued = Assert.Single(await relay.Spool.ListAsync(), e => e.QueueId == id);
        Assert.True(queued.DelayNoticeSent);
    }
}
