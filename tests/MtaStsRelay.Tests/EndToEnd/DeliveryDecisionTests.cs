using MtaStsRelay.Queue;
using SimulatedInternet;

namespace MtaStsRelay.Tests.EndToEnd;

/// <summary>
/// Decisions at the edges of a delivery attempt: whose words decide a domain's outcome under a
/// strict policy, which replies are temporary, what is written when, and what happens when the spool
/// refuses a bounce. End to end on the simulated internet; retries are driven by fake time.
/// </summary>
public sealed class DeliveryDecisionTests : RelayScenario
{
    [Fact]
    public async Task Enforce_ListedMxRejectsOneDefersOther_ItsRepliesDecideThoughAnUnlistedMxWasSkipped()
    {
        // The unlisted host sorts first and is skipped (mx-mismatch); the listed one passes TLS and
        // answers 550 to one recipient and 450 to the other: its words, not the skipped host's, decide.
        Internet.AddUnreachableMxHost("answer.test", 5, "backup.elsewhere.test");
        var mx = await Internet.AddMxHostAsync("answer.test", 10, "mx1.answer.test");
        mx.SetRecipientReply("nobody@answer.test", RecipientReply.RejectPermanently);
        mx.SetRecipientReply("busy@answer.test", RecipientReply.RejectTemporarily);
        Internet.PublishPolicy("answer.test", "1", PolicyText.Enforce("mx1.answer.test"));

        var id = await SendAsync("nobody@answer.test", "busy@answer.test");

        var line = await Relay.WaitForAttemptAsync(id, "answer.test", "partial", Timeout());
        Assert.Contains("mx=mx1.answer.test", line.Message, StringComparison.Ordinal);
        Assert.Contains("cert_verified=yes", line.Message, StringComparison.Ordinal);
        var bounce = Assert.Single(await SenderMx.WaitForMessagesAsync(1, Timeout()));
        Assert.Contains("nobody@answer.test", bounce.Text, StringComparison.Ordinal);
        Assert.Contains("5.1.1", bounce.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Final-Recipient: rfc822; busy@answer.test", bounce.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enforce_ListedMxUnreachable_DeferredWithItsOwnReasonNotTheSkippedHostsMismatch()
    {
        Internet.AddUnreachableMxHost("down.test", 5, "backup.elsewhere.test");
        Internet.AddUnreachableMxHost("down.test", 10, "mx1.down.test");
        Internet.PublishPolicy("down.test", "1", PolicyText.Enforce("mx1.down.test"));

        var id = await SendAsync("bob@down.test");

        var line = await Relay.WaitForAttemptAsync(id, "down.test", "deferred", Timeout());
        Assert.Contains("status=4.4.1", line.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("mx-mismatch", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RcptAnswered552_DeferredAsTooManyRecipientsNeverBounced()
    {
        // RFC 5321 §4.5.3.1.10: old servers say 552 for "too many recipients"; it means "later".
        var mx = await Internet.AddMxHostAsync("crowded.test", 10, "mx1.crowded.test");
        mx.SetRecipientReply("bob@crowded.test", new RecipientReply(new SmtpReply(552, "5.5.3 too many recipients")));

        var id = await SendAsync("bob@crowded.test");

        var line = await Relay.WaitForAttemptAsync(id, "crowded.test", "deferred", Timeout());
        Assert.Contains("status=4.5.3", line.Message, StringComparison.Ordinal);
        await Relay.WaitForDeferredAsync(id, Timeout());
        Assert.Empty(SenderMx.Messages);
    }

    [Fact]
    public async Task DomainNameNoDnsCanHold_BouncesWith512AndTheOtherDomainIsDeliveredOnce()
    {
        var mx = await Internet.AddMxHostAsync("fine.test", 10, "mx1.fine.test");
        var badDomain = new string('a', 64) + ".test"; // a 64-octet label: no DNS query can carry it

        var id = await SendAsync("bob@fine.test", "carol@" + badDomain);

        await Relay.WaitForAttemptAsync(id, badDomain, "bounced", Timeout());
        await Relay.WaitForAttemptAsync(id, "fine.test", "sent", Timeout());
        var bounce = Assert.Single(await SenderMx.WaitForMessagesAsync(1, Timeout()));
        Assert.Contains("5.1.2", bounce.Text, StringComparison.Ordinal);
        Assert.Single(mx.Messages);
    }

    [Fact]
    public async Task TwoDomains_OneDeliveredWhileTheOtherStalls_DeliveryWrittenBeforeTheAttemptEnds()
    {
        // A shutdown that cuts the stalled domain off must not resend the finished one: its recipient
        // is on disk as delivered while the other domain's session still hangs.
        await using var relay = await RelayTestHost.StartAsync(Internet, s =>
        {
            s["Relay:Delivery:CommandTimeout"] = "00:10:00";
            s["Relay:Delivery:ShutdownGrace"] = "00:00:00";
        });
        var fast = await Internet.AddMxHostAsync("fast.test", 10, "mx1.fast.test");
        await using var stalling = await Internet.AddBrokenMxHostAsync("slow.test", 10, "mx1.slow.test", BrokenSmtpBehavior.StallAfterGreeting);

        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, ["bob@fast.test", "carol@slow.test"]));
        await relay.WaitForAttemptAsync(id, "fast.test", "sent", Timeout());
        var bound = Timeout();
        while ((await relay.SpoolOnDisk.FindAsync(id))?.Recipients.Single(r => r.Address == "bob@fast.test").Status != RecipientStatus.Delivered)
        {
            await Task.Delay(10, bound);
        }

        await relay.StopRelayAsync();

        var stored = await relay.SpoolOnDisk.FindAsync(id);
        Assert.Equal(RecipientStatus.Delivered, stored!.Recipients.Single(r => r.Address == "bob@fast.test").Status);
        Assert.Equal(RecipientStatus.Pending, stored.Recipients.Single(r => r.Address == "carol@slow.test").Status);
        Assert.Single(fast.Messages);
    }

    [Fact]
    public async Task BounceCannotBeSpooled_FailedRecipientStaysPendingBounceGoesOutOnTheRetryDeliveredOneNotResent()
    {
        var mx = await Internet.AddMxHostAsync("gone.test", 10, "mx1.gone.test");
        mx.SetRecipientReply("bob@gone.test", RecipientReply.RejectTemporarily);
        mx.SetRecipientReply("alice@gone.test", RecipientReply.RejectTemporarily);
        var id = await SendAsync("bob@gone.test", "alice@gone.test");
        await Relay.WaitForDeferredAsync(id, Timeout());

        // The spool's tmp folder becomes a file: the bounce of the next attempt cannot be written.
        var tmp = Path.Combine(Relay.Settings["Relay:Spool:Path"]!, "tmp");
        Directory.Delete(tmp, recursive: true);
        await File.WriteAllTextAsync(tmp, "not a folder");
        mx.SetRecipientReply("bob@gone.test", RecipientReply.RejectPermanently);
        mx.SetRecipientReply("alice@gone.test", RecipientReply.Accept); // delivered in the attempt that fails
        Relay.Time.Advance(TimeSpan.FromMinutes(6));
        await Relay.Logs.WaitForAsync(l => l.EventId == 3009 && l.Message.Contains(id, StringComparison.Ordinal), Timeout());
        var duringTrouble = await Relay.SpoolOnDisk.FindAsync(id);

        File.Delete(tmp);
        Directory.CreateDirectory(tmp);
        await Relay.WaitForScheduledAsync(1, Timeout());
        Relay.Time.Advance(TimeSpan.FromMinutes(6));

        var bounce = Assert.Single(await SenderMx.WaitForMessagesAsync(1, Timeout()));
        Assert.Contains("Final-Recipient: rfc822; bob@gone.test", bounce.Text, StringComparison.Ordinal);
        Assert.Equal(RecipientStatus.Pending, duringTrouble!.Recipients.Single(r => r.Address == "bob@gone.test").Status);
        await Relay.WaitForDoneAsync(id, Timeout());
        Assert.Single(mx.Messages, m => m.Recipients.Contains("alice@gone.test"));
    }

    [Fact]
    public async Task ManyDomains_OneMessage_AtMostEightSessionsAtOnce()
    {
        // Every MX stalls after its greeting and the command timeout is long: sessions stay open, so
        // the count seen once eight are open cannot grow unless the bound is missing.
        await using var relay = await RelayTestHost.StartAsync(Internet, s =>
        {
            s["Relay:Delivery:CommandTimeout"] = "00:10:00";
            s["Relay:Delivery:ShutdownGrace"] = "00:00:00";
        });
        var servers = new List<BrokenSmtpServer>();
        for (var i = 0; i < 10; i++)
        {
            servers.Add(await Internet.AddBrokenMxHostAsync($"d{i}.test", 10, $"mx.d{i}.test", BrokenSmtpBehavior.StallAfterGreeting));
        }

        await relay.SendAsync(Sender, [.. Enumerable.Range(0, 10).Select(i => $"bob@d{i}.test")]);
        var bound = Timeout();
        while (servers.Sum(s => s.ConnectionCount) < MtaStsRelay.Delivery.MessageDelivery.MaxParallelDomains)
        {
            await Task.Delay(10, bound);
        }

        // A domain's MX lookup comes after it got its slot and before its session: without the bound
        // the ninth and tenth domains would have been looked up by the time eight sessions are open.
        var mxLookedUp = Enumerable.Range(0, 10).Count(i => Internet.Dns.QueryCount($"d{i}.test", DnsRecordType.Mx) > 0);
        var open = servers.Sum(s => s.ConnectionCount);
        await relay.StopRelayAsync();
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }

        Assert.Equal(MtaStsRelay.Delivery.MessageDelivery.MaxParallelDomains, open);
        Assert.Equal(MtaStsRelay.Delivery.MessageDelivery.MaxParallelDomains, mxLookedUp);
    }

    [Fact]
    public async Task OneDomainManyRecipients_SentInTransactionsOfAtMostAHundred()
    {
        // RFC 5321 §4.5.3.1.8 promises 100 recipients per transaction; more draw 452s from many servers.
        var mx = await Internet.AddMxHostAsync("big.test", 10, "mx1.big.test");
        var recipients = Enumerable.Range(1, 150).Select(i => $"user{i}@big.test").ToArray();

        var id = await SendAsync(recipients);

        var received = await mx.WaitForMessagesAsync(2, Timeout());
        Assert.Equal([50, 100], received.Select(m => m.Recipients.Count).Order());
        Assert.Equal(recipients.Order(), received.SelectMany(m => m.Recipients).Order());
        await Relay.WaitForDoneAsync(id, Timeout());
    }
}
