using Microsoft.Extensions.Logging;
using MtaStsRelay.Delivery;
using MtaStsRelay.Delivery.Dsn;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Control;

/// <summary>
/// <c>queue retry|delete|bounce</c>: the same code whether the running relay applies them (through
/// its delivery worker's custody) or a command does with the relay stopped (on the spool, under the
/// spool lock). A delete or bounce first takes the message out of delivery, so it cannot race an
/// attempt; it then follows the spool's order of writes: a bounce is spooled before the original is
/// removed, so a crash in between can at worst repeat the bounce, never lose it.
/// </summary>
internal sealed class QueueActions(IMessageCustodian custodian, Spool spool, BounceSender bounces, TimeProvider time, ILogger logger)
{
    /// <summary>The enhanced status of an operator bounce: RFC 3463 has no code for it, so "other" (X.0.0).</summary>
    public const string BounceStatus = "5.0.0";

    public async Task<ControlResult> RetryAsync(string queueId)
    {
        var outcome = await custodian.RetryNowAsync(queueId);
        ControlLog.MessageRetry(logger, queueId, outcome);
        return outcome switch
        {
            RetryOutcome.NotFound => ControlResult.Nothing($"{queueId}: not in the queue"),
            RetryOutcome.InFlight => ControlResult.Ok($"{queueId}: a delivery attempt is running right now"),
            _ when custodian.IsRelayRunning => ControlResult.Ok($"{queueId}: due now; the relay is delivering it"),
            _ => ControlResult.Ok($"{queueId}: next attempt set to now; the relay is not running and delivers it when it starts"),
        };
    }

    public async Task<ControlResult> RetryAllAsync()
    {
        var (rescheduled, inFlight) = await custodian.RetryAllNowAsync();
        if (rescheduled == 0 && inFlight == 0)
        {
            return ControlResult.Nothing("the queue is empty");
        }

        return ControlResult.Ok(custodian.IsRelayRunning
            ? $"{Messages(rescheduled)} due now, {inFlight} being delivered already"
            : $"{Messages(rescheduled)}: next attempt set to now; the relay is not running and delivers them when it starts");
    }

    public async Task<ControlResult> DeleteAsync(string queueId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var custody = await TakeAsync(queueId, deadline, cancellationToken);
        if (custody.Envelope is not { } envelope)
        {
            return Refusal(queueId, custody.Status, "delete");
        }

        var pending = Pending(envelope);
        try
        {
            await spool.CompleteAsync(envelope);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            custodian.GiveBack(envelope);
            ControlLog.ActionFailed(logger, ControlAction.QueueDelete, queueId, e.Message, e);
            return ControlResult.Nothing($"{queueId}: could not be deleted: {e.Message}; it stays queued");
        }

        ControlLog.MessageDeleted(logger, queueId, SenderText(envelope), string.Join(',', pending));
        return ControlResult.Ok($"{queueId}: deleted without a bounce; {pending.Count} pending recipient(s) will not get it: {string.Join(", ", pending)}");
    }

    public async Task<ControlResult> BounceAsync(string queueId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var custody = await TakeAsync(queueId, deadline, cancellationToken);
        if (custody.Envelope is not { } envelope)
        {
            return Refusal(queueId, custody.Status, "bounce");
        }

        var failed = FailPending(envelope);
        try
        {
            // Not cancellable: once the recipients are failed the DSN must be written (a local, short write).
            await bounces.SendFailureAsync(envelope, failed, CancellationToken.None);
            await spool.CompleteAsync(envelope);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Restore(failed);
            custodian.GiveBack(envelope);
            ControlLog.ActionFailed(logger, ControlAction.QueueBounce, queueId, e.Message, e);
            return ControlResult.Nothing($"{queueId}: could not be bounced: {e.Message}; it stays queued");
        }

        var addresses = failed.Select(f => f.Recipient.Address).ToList();
        ControlLog.MessageBounced(logger, queueId, SenderText(envelope), string.Join(',', addresses));
        var dsn = DsnBuilder.ShouldNotify(envelope.Sender) && addresses.Count > 0
            ? $"one DSN queued to {envelope.Sender}"
            : "no DSN: the sender is <> (the message is itself a notification)";
        return ControlResult.Ok($"{queueId}: bounced; {addresses.Count} pending recipient(s) failed: {string.Join(", ", addresses)}; {dsn}");
    }

    private async Task<Custody> TakeAsync(string queueId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var take = custodian.TakeAsync(queueId, deadline, cancellationToken);
        if (!take.IsCompleted && custodian.IsRelayRunning)
        {
            ControlLog.WaitingForAttempt(logger, queueId);
        }

        return await take;
    }

    private static ControlResult Refusal(string queueId, CustodyStatus status, string verb) => status switch
    {
        CustodyStatus.Busy => ControlResult.Nothing($"{queueId}: a delivery attempt is still running; nothing was changed, try the {verb} again when it ends"),
        CustodyStatus.Finished => ControlResult.Nothing($"{queueId}: the attempt that was running finished the message (delivered or bounced); nothing left to {verb}"),
        _ => ControlResult.Nothing($"{queueId}: not in the queue"),
    };

    private List<(QueuedRecipient Recipient, RecipientVerdict Verdict, DeliveryAttempt Attempt)> FailPending(Envelope envelope)
    {
        var now = time.GetUtcNow();
        var failed = new List<(QueuedRecipient, RecipientVerdict, DeliveryAttempt)>();
        foreach (var recipient in envelope.Recipients.Where(r => r.Status == RecipientStatus.Pending))
        {
            var reason = recipient.LastReply is { Length: > 0 } last
                ? $"delivery cancelled by the relay operator; last error: {last}"
                : "delivery cancelled by the relay operator";
            recipient.Status = RecipientStatus.Failed;
            recipient.CompletedAt = now;
            // No attempt failed it: BounceSender reads the attempt null-safely (no MX to name).
            failed.Add((recipient, new RecipientVerdict(recipient.Address, RecipientOutcomeKind.Failed, BounceStatus, reason), null!));
        }

        return failed;
    }

    private static void Restore(List<(QueuedRecipient Recipient, RecipientVerdict Verdict, DeliveryAttempt Attempt)> failed)
    {
        foreach (var (recipient, _, _) in failed)
        {
            recipient.Status = RecipientStatus.Pending;
            recipient.CompletedAt = null;
        }
    }

    private static List<string> Pending(Envelope envelope) =>
        [.. envelope.Recipients.Where(r => r.Status == RecipientStatus.Pending).Select(r => r.Address)];

    private static string SenderText(Envelope envelope) => envelope.Sender.Length == 0 ? "<>" : envelope.Sender;

    private static string Messages(int count) => count == 1 ? "1 message" : $"{count} messages";
}
