using System.Text.Json;
using MtaStsRelay.Control;
using MtaStsRelay.Tests.EndToEnd;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Cli;

/// <summary>
/// <c>mtasts-relay queue …</c> against a relay on the simulated internet, running (the command goes
/// through <c>spool/control/</c>) and stopped (the command works on the spool under the lock).
/// Nothing waits for time to pass: the relay's clock is fake and only moved where a test says so.
/// </summary>
public sealed class QueueCommandTests : RelayScenario
{
    /// <summary>A message to <paramref name="recipients"/> whose MX defers it once (450) and would accept it at the next try, 5 minutes later.</summary>
    private async Task<(string Id, TestMxServer Mx)> DeferredOnceAsync(string domain, params string[] recipients)
    {
        var mx = Internet.MxServers.FirstOrDefault(m => m.MxName == $"mx1.{domain}") ?? await Internet.AddMxHostAsync(domain, 10, $"mx1.{domain}");
        foreach (var recipient in recipients)
        {
            mx.SetRecipientReply(recipient, RecipientReply.TemporaryThenAccept(1));
        }

        var id = RelayTestHost.QueueIdOf(await Relay.SendAsync(Sender, recipients, subject: "hello ops"));
        await Relay.Logs.WaitForAsync(l => l.EventId == 3006 && l.Message.Contains($"queue_id={id} ", StringComparison.Ordinal), Timeout());
        return (id, mx);
    }

    /// <summary>Waits for a condition another thread makes true; short polls, bounded.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        var bound = Timeout();
        while (!condition())
        {
            await Task.Delay(10, bound);
        }
    }

    /// <summary>
    /// After everything else: a message to <paramref name="mx"/> for a fresh recipient, sent after
    /// moving past the retry time and awaited. By then a message that was still queued would have
    /// been tried again, so "nothing more arrived" means nothing more will.
    /// </summary>
    private async Task PastRetryTimeWithCanaryAsync(TestMxServer mx, string domain, int expectedMessages)
    {
        Relay.Time.Advance(TimeSpan.FromMinutes(6));
        await Relay.SendAsync(Sender, [$"canary@{domain}"]);
        await mx.WaitForMessagesAsync(expectedMessages, Timeout());
        await Relay.WaitForScheduledAsync(0, Timeout());
    }

    [Fact]
    public async Task List_DeferredMessage_ShowsIdAgeAttemptsNextTrySenderPendingAndLastError()
    {
        var (id, _) = await DeferredOnceAsync("later.test", "bob@later.test", "carol@later.test");
        Relay.Time.Advance(TimeSpan.FromMinutes(2));

        var (code, output, _) = await Relay.RunCliAsync("queue", "list");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("QUEUE ID          AGE     ATTEMPTS  NEXT TRY              SENDER", lines[0], StringComparison.Ordinal);
        Assert.Matches($@"^{id}  2m      \s+1  \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ  {Sender}", lines[1]);
        Assert.Equal("    pending: bob@later.test, carol@later.test", lines[2]);
        Assert.StartsWith("    last error: later.test: ", lines[3], StringComparison.Ordinal);
        Assert.Contains("4.2.0", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("-- 1 message, 2 pending recipients, ", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Json_EveryFieldOfEveryMessage()
    {
        var (id, _) = await DeferredOnceAsync("json.test", "bob@json.test");

        var (code, output, _) = await Relay.RunCliAsync("queue", "list", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(1, json.RootElement.GetProperty("schema").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("count").GetInt32());
        var message = Assert.Single(json.RootElement.GetProperty("messages").EnumerateArray());
        Assert.Equal(id, message.GetProperty("queueId").GetString());
        Assert.Equal(Sender, message.GetProperty("sender").GetString());
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.Equal(Relay.Time.GetUtcNow() + TimeSpan.FromMinutes(5), message.GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.Equal(0, message.GetProperty("ageSeconds").GetInt64());
        Assert.Contains("4.2.0", message.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("bob@json.test", Assert.Single(message.GetProperty("pending").EnumerateArray()).GetString());
        var recipient = Assert.Single(message.GetProperty("recipients").EnumerateArray());
        Assert.Equal("pending", recipient.GetProperty("status").GetString());
    }

    [Fact]
    public async Task List_EmptyQueue_SaysSoExitZero()
    {
        var (code, output, _) = await Relay.RunCliAsync("queue", "list");

        Assert.Equal(0, code);
        Assert.Equal("The queue is empty.", output.Trim());
    }

    [Fact]
    public async Task Show_PartlyDelivered_EnvelopeRecipientStatesAndHeaders()
    {
        var mx = await Internet.AddMxHostAsync("part.test", 10, "mx1.part.test");
        mx.SetRecipientReply("carol@part.test", RecipientReply.RejectTemporarily);
        var id = RelayTestHost.QueueIdOf(await Relay.SendAsync(Sender, ["bob@part.test", "carol@part.test"], subject: "hello ops"));
        await Relay.Logs.WaitForAsync(l => l.EventId == 3006 && l.Message.Contains(id, StringComparison.Ordinal), Timeout());

        var (code, output, _) = await Relay.RunCliAsync("queue", "show", id.ToLowerInvariant());

        Assert.True(code == 0, output);
        Assert.Contains($"Queue ID:      {id}", output, StringComparison.Ordinal);
        Assert.Contains($"Sender:        {Sender}", output, StringComparison.Ordinal);
        Assert.Contains("from 127.0.0.1 (EHLO exchange.test)", output, StringComparison.Ordinal);
        Assert.Contains("Attempts:      1", output, StringComparison.Ordinal);
        Assert.Matches(@"delivered  bob@part.test  \d{4}-", output);
        Assert.Contains("pending    carol@part.test", output, StringComparison.Ordinal);
        Assert.Contains("last reply: 4.2.0", output, StringComparison.Ordinal);
        Assert.Contains("  Received: from exchange.test", output, StringComparison.Ordinal);
        Assert.Contains("  Subject: hello ops", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Json_MessageAndUnfoldedHeaders()
    {
        var (id, _) = await DeferredOnceAsync("showjson.test", "bob@showjson.test");

        var (code, output, _) = await Relay.RunCliAsync("queue", "show", id, "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(id, json.RootElement.GetProperty("message").GetProperty("queueId").GetString());
        Assert.Equal("exchange.test", json.RootElement.GetProperty("message").GetProperty("heloName").GetString());
        var headers = json.RootElement.GetProperty("headers").EnumerateArray().ToList();
        Assert.Equal("Received", headers[0].GetProperty("name").GetString());
        Assert.DoesNotContain('\n', headers[0].GetProperty("value").GetString()!);
        Assert.Contains(headers, h => h.GetProperty("name").GetString() == "Subject" && h.GetProperty("value").GetString() == "hello ops");
    }

    [Theory]
    [InlineData("show", "0000000000000000", 1)]
    [InlineData("show", "not-an-id", 2)]
    [InlineData("delete", "0000000000000000", 1)]
    [InlineData("bounce", "0000000000000000", 1)]
    [InlineData("retry", "0000000000000000", 1)]
    [InlineData("delete", "../../etc/passwd", 2)]
    public async Task UnknownOrBadId_RunningRelay_NotFoundOrUsage(string verb, string id, int expected)
    {
        var (code, _, error) = await Relay.RunCliAsync("queue", verb, id);

        Assert.Equal(expected, code);
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("bounce")]
    [InlineData("retry")]
    public async Task UnknownId_StoppedRelay_NotFound(string verb)
    {
        await Relay.StopRelayAsync();

        var (code, _, error) = await Relay.RunCliAsync("queue", verb, "0000000000000000");

        Assert.Equal(1, code);
        Assert.Contains("not in the queue", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("0000000000000000", "--all")]
    [InlineData("0000000000000000", "extra")]
    public async Task Retry_NeitherOrBothOfIdAndAll_UsageError(params string[] args)
    {
        var (code, _, _) = await Relay.RunCliAsync(["queue", "retry", .. args]);

        Assert.Equal(2, code);
    }

    [Fact]
    public async Task Retry_Running_DeferredMessageGoesOutNowWithoutTimeMoving()
    {
        var (id, mx) = await DeferredOnceAsync("retry.test", "bob@retry.test");
        await Relay.WaitForScheduledAsync(1, Timeout());

        var (code, output, _) = await Relay.RunCliAsync("queue", "retry", id);

        Assert.True(code == 0, output);
        Assert.Contains($"{id}: due now", output, StringComparison.Ordinal);
        Assert.Single(await mx.WaitForMessagesAsync(1, Timeout()));
        await Relay.WaitForAttemptAsync(id, "retry.test", "sent", Timeout());
        Assert.Contains(Relay.Logs.Lines, l => l.EventId == 5006 && l.Message.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_Stopped_DeliveredAsSoonAsTheRelayStarts()
    {
        var (id, mx) = await DeferredOnceAsync("retrystopped.test", "bob@retrystopped.test");
        var (code, output, _) = await Relay.RunCliAsync(relayStopped: true, "queue", "retry", id);

        Assert.True(code == 0, output);
        Assert.Contains("the relay is not running and delivers it when it starts", output, StringComparison.Ordinal);
        Assert.Single(await mx.WaitForMessagesAsync(1, Timeout()));
        await Relay.WaitForAttemptAsync(id, "retrystopped.test", "sent", Timeout());
    }

    [Fact]
    public async Task RetryAll_Running_EveryDeferredMessageGoesOut()
    {
        var (first, mx) = await DeferredOnceAsync("all.test", "bob@all.test");
        var (second, _) = await DeferredOnceAsync("all.test", "carol@all.test");
        await Relay.WaitForScheduledAsync(2, Timeout());

        var (code, output, _) = await Relay.RunCliAsync("queue", "retry", "--all");

        Assert.True(code == 0, output);
        Assert.Contains("2 messages due now", output, StringComparison.Ordinal);
        Assert.Equal(2, (await mx.WaitForMessagesAsync(2, Timeout())).Count);
        await Relay.WaitForAttemptAsync(first, "all.test", "sent", Timeout());
        await Relay.WaitForAttemptAsync(second, "all.test", "sent", Timeout());
    }

    [Fact]
    public async Task RetryAll_EmptyQueue_NothingToDo()
    {
        var (code, _, error) = await Relay.RunCliAsync("queue", "retry", "--all");

        Assert.Equal(1, code);
        Assert.Contains("the queue is empty", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_RemovedWithoutBounceAndNeverDelivered(bool relayStopped)
    {
        var (id, mx) = await DeferredOnceAsync("gone.test", "bob@gone.test");
        var (code, output, _) = await Relay.RunCliAsync(relayStopped, "queue", "delete", id);

        Assert.True(code == 0, output);
        Assert.Contains($"{id}: deleted without a bounce; 1 pending recipient(s) will not get it: bob@gone.test", output, StringComparison.Ordinal);
        Assert.Empty(await Relay.Spool.ListAsync());
        await PastRetryTimeWithCanaryAsync(mx, "gone.test", 1);
        Assert.Equal(["canary@gone.test"], Assert.Single(mx.Messages).Recipients);
        Assert.Equal(1, mx.RecipientAttempts("bob@gone.test"));
        Assert.Empty(SenderMx.Messages);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bounce_PendingRecipientsFailedAndExactlyOneDsn(bool relayStopped)
    {
        var (id, mx) = await DeferredOnceAsync("refused.test", "bob@refused.test", "carol@refused.test");
        var (code, output, _) = await Relay.RunCliAsync(relayStopped, "queue", "bounce", id);

        Assert.True(code == 0, output);
        Assert.Contains($"{id}: bounced; 2 pending recipient(s) failed: bob@refused.test, carol@refused.test; one DSN queued to {Sender}", output, StringComparison.Ordinal);
        var dsn = Assert.Single(await SenderMx.WaitForMessagesAsync(1, Timeout()));
        Assert.Equal("", dsn.Sender);
        Assert.Equal([Sender], dsn.Recipients);
        Assert.Contains("Action: failed", dsn.Text, StringComparison.Ordinal);
        Assert.Contains("Final-Recipient: rfc822; carol@refused.test", dsn.Text, StringComparison.Ordinal);
        Assert.Contains("Status: 5.0.0", dsn.Text, StringComparison.Ordinal);
        Assert.Contains("cancelled by the relay operator", dsn.Text, StringComparison.Ordinal);

        await PastRetryTimeWithCanaryAsync(mx, "refused.test", 1);
        Assert.Single(SenderMx.Messages);
        Assert.Equal(["canary@refused.test"], Assert.Single(mx.Messages).Recipients);
    }

    [Fact]
    public async Task Bounce_ABounceThatIsDeferred_RemovedWithoutAnotherDsn()
    {
        // A 550 makes a DSN (null sender); the sender's MX defers it, so it waits in the queue.
        var mx = await Internet.AddMxHostAsync("nouser.test", 10, "mx1.nouser.test");
        mx.SetRecipientReply("nobody@nouser.test", RecipientReply.RejectPermanently);
        SenderMx.SetRecipientReply(Sender, RecipientReply.RejectTemporarily);
        var original = RelayTestHost.QueueIdOf(await Relay.SendAsync(Sender, ["nobody@nouser.test"]));
        var queued = await Relay.Logs.WaitForAsync(l => l.EventId == 3007 && l.Message.Contains(original, StringComparison.Ordinal), Timeout());
        var dsnId = queued.Message.Split("dsn_id=")[1].Split(' ')[0];
        await Relay.Logs.WaitForAsync(l => l.EventId == 3006 && l.Message.Contains(dsnId, StringComparison.Ordinal), Timeout());

        var (code, output, _) = await Relay.RunCliAsync("queue", "bounce", dsnId);

        Assert.True(code == 0, output);
        Assert.Contains("no DSN: the sender is <>", output, StringComparison.Ordinal);
        Assert.Empty(await Relay.Spool.ListAsync());
        Assert.DoesNotContain(Relay.Logs.Lines, l => l.EventId == 3007 && l.Message.Contains($"queue_id={dsnId} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_WhileAnAttemptRuns_WaitsForItThenDeletes()
    {
        await using var relay = await RelayTestHost.StartAsync(Internet, s => s["Relay:Delivery:CommandTimeout"] = "00:10:00");
        var stalling = await Internet.AddBrokenMxHostAsync("stall.test", 10, "mx1.stall.test", BrokenSmtpBehavior.StallAfterGreeting);
        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, ["bob@stall.test"]));
        await UntilAsync(() => stalling.ConnectionCount > 0); // the attempt is in flight, stalled after the greeting

        var deleting = relay.RunCliAsync("queue", "delete", id);
        await relay.Logs.WaitForAsync(l => l.EventId == 5007 && l.Message.Contains(id, StringComparison.Ordinal), Timeout());
        Assert.False(deleting.IsCompleted);
        await stalling.DisposeAsync(); // the attempt fails and hands the message back

        var (code, output, _) = await deleting.WaitAsync(Timeout());
        Assert.True(code == 0, output);
        Assert.Contains($"{id}: deleted", output, StringComparison.Ordinal);
        await relay.WaitForAttemptAsync(id, "stall.test", "deferred", Timeout());
        Assert.Empty(await relay.Spool.ListAsync());
        Assert.Equal(0, relay.Worker.Scheduled);
    }

    [Fact]
    public async Task Delete_AttemptStillRunningAtTheDeadline_BusyNothingChanged()
    {
        await using var relay = await RelayTestHost.StartAsync(Internet, s => s["Relay:Delivery:CommandTimeout"] = "00:10:00");
        var stalling = await Internet.AddBrokenMxHostAsync("slow.test", 10, "mx1.slow.test", BrokenSmtpBehavior.StallAfterGreeting);
        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, ["bob@slow.test"]));
        await UntilAsync(() => stalling.ConnectionCount > 0); // the attempt is in flight, stalled after the greeting

        var deleting = relay.RunCliAsync("queue", "delete", id);
        await relay.Logs.WaitForAsync(l => l.EventId == 5007 && l.Message.Contains(id, StringComparison.Ordinal), Timeout());
        relay.Time.Advance(TimeSpan.FromSeconds(9.5)); // past the relay's answer deadline, not yet the command's

        var (code, _, error) = await deleting.WaitAsync(Timeout());
        Assert.Equal(1, code);
        Assert.Contains("a delivery attempt is still running; nothing was changed", error, StringComparison.Ordinal);
        await stalling.DisposeAsync();
        await relay.WaitForAttemptAsync(id, "slow.test", "deferred", Timeout());
        Assert.Single(await relay.Spool.ListAsync());
    }

    [Fact]
    public async Task Retry_LockHeldButNobodyAnswers_Exit3RequestWithdrawn()
    {
        var (id, _) = await DeferredOnceAsync("hung.test", "bob@hung.test");
        await Relay.StopRelayAsync();
        var spool = Relay.Settings["Relay:Spool:Path"]!;
        using var hung = ServiceLock.TryAcquire(spool); // a relay that holds the lock and does nothing
        var control = new ControlFolder(spool);

        var retrying = Relay.RunCliAsync("queue", "retry", id);
        await UntilAsync(() => control.PendingRequestIds().Count > 0);

        Relay.Time.Advance(TimeSpan.FromSeconds(10));

        var (code, _, error) = await retrying.WaitAsync(Timeout());
        Assert.Equal(3, code);
        Assert.Contains("nobody took the request within 10 s", error, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", error, StringComparison.Ordinal);
        Assert.Empty(control.PendingRequestIds());
        Assert.Single(await Relay.SpoolOnDisk.ListAsync());
    }

    [Fact]
    public async Task Delete_LockFreedWhileWaiting_AppliedDirectlyAfterAll()
    {
        var (id, _) = await DeferredOnceAsync("freed.test", "bob@freed.test");
        await Relay.StopRelayAsync();
        var spool = Relay.Settings["Relay:Spool:Path"]!;
        var other = ServiceLock.TryAcquire(spool); // another command, busy for a moment
        var control = new ControlFolder(spool);

        var deleting = Relay.RunCliAsync("queue", "delete", id);
        await UntilAsync(() => control.PendingRequestIds().Count > 0);
        other!.Dispose();
        Relay.Time.Advance(TimeSpan.FromSeconds(10));

        var (code, output, _) = await deleting.WaitAsync(Timeout());
        Assert.True(code == 0, output);
        Assert.Contains($"{id}: deleted without a bounce", output, StringComparison.Ordinal);
        Assert.Empty(control.PendingRequestIds());
        Assert.Empty(await Relay.SpoolOnDisk.ListAsync());
    }

    [Fact]
    public async Task SecondRelay_SameSpool_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RelayTestHost.StartAsync(Internet, s =>
        {
            s["Relay:Spool:Path"] = Relay.Settings["Relay:Spool:Path"];
            s["Relay:Control:StartLockWait"] = "00:00:00";
        }));

        Assert.Contains("relay.lock", error.Message, StringComparison.Ordinal);
    }
}
