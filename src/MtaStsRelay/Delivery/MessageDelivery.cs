using MtaSts.Failures;
using Microsoft.Extensions.Logging;
using MtaSts.Resolution;
using MtaStsRelay.Diagnostics;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Delivery;

/// <summary>
/// One delivery attempt of one queued message: every recipient domain in parallel (one transaction
/// per at most <see cref="MaxRecipientsPerTransaction"/> of its recipients), then the new
/// per-recipient state, bounces and the next attempt time written back to the spool. The only
/// stage that changes queue state. Order of writes: a bounce is spooled before the original's state
/// is updated, so a crash can at worst repeat a bounce, never lose one.
/// </summary>
public sealed class MessageDelivery(
    Spool spool,
    DomainDelivery domains,
    RetrySchedule schedule,
    PolicyResolver policies,
    BounceSender bounces,
    TimeProvider time,
    ILogger<MessageDelivery> logger)
{
    /// <summary>How many recipient domains (or recipient batches) of one message are attempted at the same time.</summary>
    public const int MaxParallelDomains = 8;

    /// <summary>The most recipients in one SMTP transaction: the 100 every server must accept (RFC 5321 §4.5.3.1.8).</summary>
    public const int MaxRecipientsPerTransaction = 100;

    /// <summary>Attempts delivery of <paramref name="envelope"/>; returns true when the message is done (removed from the queue).</summary>
    public async Task<bool> DeliverAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        envelope.Attempts++;
        var path = spool.MessagePath(envelope.QueueId);
        var attempts = await AttemptAllDomainsAsync(envelope, path, cancellationToken);
        var failedNow = Apply(envelope, attempts);

        var now = time.GetUtcNow();
        try
        {
            if (envelope.HasPendingRecipients && schedule.NextAttempt(envelope, now) is null)
            {
                failedNow.AddRange(await ExpireAsync(envelope, attempts, path, cancellationToken));
            }

            if (failedNow.Count > 0)
            {
                await bounces.SendFailureAsync(envelope, failedNow, cancellationToken);
            }
        }
        catch
        {
            // A failure whose bounce was not spooled (disk full) is not done: back to pending, so the
            // next attempt fails it again and bounces it then. What was delivered stays delivered.
            foreach (var (recipient, _, _) in failedNow)
            {
                recipient.Status = RecipientStatus.Pending;
                recipient.CompletedAt = null;
            }

            throw;
        }

        return await PersistAsync(envelope, attempts, now, cancellationToken);
    }

    private async Task<List<DeliveryAttempt>> AttemptAllDomainsAsync(Envelope envelope, string path, CancellationToken cancellationToken)
    {
        // One transaction per domain and at most MaxRecipientsPerTransaction recipients: RFC 5321
        // §4.5.3.1.8 only promises 100 per transaction, and receivers answer 452 past their limit.
        var work = envelope.Domains
            .SelectMany(d => d.Value.Select(r => r.Address).Chunk(MaxRecipientsPerTransaction).Select(chunk => (Domain: d.Key, Recipients: chunk.ToList())))
            .ToList();
        if (work.Count == 1)
        {
            return [await domains.DeliverAsync(envelope, work[0].Domain, work[0].Recipients, path, cancellationToken)];
        }

        // Several transactions: each one's deliveries are written as soon as it finishes, so a crash, or
        // a shutdown that interrupts a slow domain, does not send the finished domains' copies again.
        // At most MaxParallelDomains at a time: one message to 300 domains must not open 300 sessions.
        // The last one to finish writes nothing: the end of the attempt writes the envelope anyway.
        using var writing = new SemaphoreSlim(1);
        using var slots = new SemaphoreSlim(MaxParallelDomains);
        var running = work.Count;
        var tasks = work.Select(async w =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                var attempt = await domains.DeliverAsync(envelope, w.Domain, w.Recipients, path, cancellationToken);
                if (Interlocked.Decrement(ref running) > 0)
                {
                    await RecordDeliveredAsync(envelope, attempt, writing);
                }

                return attempt;
            }
            finally
            {
                slots.Release();
            }
        });
        return [.. await Task.WhenAll(tasks)];
    }

    /// <summary>
    /// Marks the recipients <paramref name="attempt"/> delivered and writes the envelope. Failures wait
    /// for the end of the attempt: their bounce must be spooled before their state is written.
    /// </summary>
    private async Task RecordDeliveredAsync(Envelope envelope, DeliveryAttempt attempt, SemaphoreSlim writing)
    {
        if (attempt.Recipients.All(v => v.Outcome != RecipientOutcomeKind.Delivered))
        {
            return;
        }

        await writing.WaitAsync(CancellationToken.None);
        try
        {
            Apply(envelope, [attempt], RecipientOutcomeKind.Delivered);
            await spool.UpdateAsync(envelope);
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>
    /// Writes each verdict (or only those with outcome <paramref name="only"/>) into the envelope's
    /// pending recipients; returns the recipients that failed for good in this attempt.
    /// </summary>
    private List<(QueuedRecipient Recipient, RecipientVerdict Verdict, DeliveryAttempt Attempt)> Apply(Envelope envelope, IEnumerable<DeliveryAttempt> attempts, RecipientOutcomeKind? only = null)
    {
        var failed = new List<(QueuedRecipient, RecipientVerdict, DeliveryAttempt)>();
        var now = time.GetUtcNow();
        foreach (var attempt in attempts)
        {
            foreach (var verdict in attempt.Recipients.Where(v => only is null || v.Outcome == only))
            {
                // Not pending any more: already written when its domain finished (RecordDeliveredAsync).
                if (envelope.Recipients.FirstOrDefault(r => r.Status == RecipientStatus.Pending && string.Equals(r.Address, verdict.Address, StringComparison.OrdinalIgnoreCase)) is not { } recipient)
                {
                    continue;
                }

                recipient.LastReply = verdict.Reply;
                recipient.LastFailureType = verdict.FailureType?.ToResultType();
                if (verdict.Outcome == RecipientOutcomeKind.Deferred)
                {
                    envelope.LastError = $"{attempt.Domain}: {verdict.Reply}";
                    continue;
                }

                recipient.Status = verdict.Outcome == RecipientOutcomeKind.Delivered ? RecipientStatus.Delivered : RecipientStatus.Failed;
                recipient.CompletedAt = now;
                if (recipient.Status == RecipientStatus.Failed)
                {
                    failed.Add((recipient, verdict, attempt));
                }
            }
        }

        return failed;
    }

    /// <summary>
    /// The queue lifetime is over. Before bouncing recipients held back by a policy, look for a new
    /// policy id and try once more with it (RFC 8461 §5.1); what is still pending then bounces.
    /// </summary>
    private async Task<List<(QueuedRecipient, RecipientVerdict, DeliveryAttempt)>> ExpireAsync(Envelope envelope, List<DeliveryAttempt> attempts, string path, CancellationToken cancellationToken)
    {
        var retried = new List<DeliveryAttempt>();
        // Once per domain, though a domain with many recipients had several transactions.
        foreach (var attempt in attempts.Where(a => a.Failure is not null && a.PolicyId is not null && a.Recipients.Any(r => r.Outcome == RecipientOutcomeKind.Deferred)).DistinctBy(a => a.Domain))
        {
            var fresh = await policies.ResolveAsync(attempt.Domain, cancellationToken, lookUpTxtNow: true);
            if (fresh.PolicyId is { } newId && newId != attempt.PolicyId)
            {
                DeliveryLog.PolicyRecheck(logger, envelope.QueueId, attempt.Domain, attempt.PolicyId!, newId);
                var pending = envelope.Domains.TryGetValue(attempt.Domain, out var list) ? list.Select(r => r.Address) : [];
                foreach (var batch in pending.Chunk(MaxRecipientsPerTransaction))
                {
                    retried.Add(await domains.DeliverAsync(envelope, attempt.Domain, [.. batch], path, cancellationToken));
                }
            }
        }

        var failed = Apply(envelope, retried);
        var stillPending = envelope.Recipients.Where(r => r.Status == RecipientStatus.Pending).ToList();
        if (stillPending.Count == 0)
        {
            return failed;
        }

        DeliveryLog.MessageExpired(logger, envelope.QueueId, stillPending.Count, envelope.ArrivedAt);
        var now = time.GetUtcNow();
        foreach (var recipient in stillPending)
        {
            var last = attempts.Concat(retried).LastOrDefault(a => a.Recipients.Any(v => v.Address == recipient.Address));
            var deferred = last?.Recipients.First(v => v.Address == recipient.Address);
            var status = deferred is null ? "5.4.7" : "5" + deferred.Status[1..];
            var verdict = new RecipientVerdict(recipient.Address, RecipientOutcomeKind.Failed, status,
                $"delivery time expired after {envelope.Attempts} attempts; last error: {recipient.LastReply}", deferred?.FailureType);
            recipient.Status = RecipientStatus.Failed;
            recipient.CompletedAt = now;
            failed.Add((recipient, verdict, last!));
        }

        return failed;
    }

    private async Task<bool> PersistAsync(Envelope envelope, List<DeliveryAttempt> attempts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!envelope.HasPendingRecipients)
        {
            await spool.CompleteAsync(envelope);
            DeliveryLog.MessageDone(logger, envelope.QueueId,
                envelope.Recipients.Count(r => r.Status == RecipientStatus.Delivered),
                envelope.Recipients.Count(r => r.Status == RecipientStatus.Failed), envelope.Attempts);
            return true;
        }

        if (!envelope.DelayNoticeSent && schedule.IsDelayNoticeDue(envelope, now))
        {
            envelope.DelayNoticeSent = await bounces.SendDelayAsync(envelope, attempts, schedule.ExpiresAt(envelope), cancellationToken);
        }

        envelope.NextAttemptAt = schedule.NextAttempt(envelope, now) ?? now;
        await spool.UpdateAsync(envelope);
        DeliveryLog.MessageDeferred(logger, envelope.QueueId, envelope.Recipients.Count(r => r.Status == RecipientStatus.Pending), envelope.Attempts, envelope.NextAttemptAt);
        return false;
    }
}
