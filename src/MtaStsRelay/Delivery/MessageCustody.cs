using MtaStsRelay.Control;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Delivery;

/// <summary>
/// Who holds each queued message of the running relay: the schedule (<see cref="DueQueue"/>,
/// waiting for its next attempt), a delivery (in flight), or an operator action. The delivery
/// worker moves messages between the first two only through this class; an operator action takes a
/// message off the schedule, or registers for it and gets it when the running attempt hands it back
/// (or null when that attempt finished it). One lock covers all three places, so no message is ever
/// in two of them: never delivered while being deleted or bounced, never lost between them.
/// </summary>
internal sealed class MessageCustody(DueQueue due, Spool spool, TimeProvider time) : IMessageCustodian, IDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<Envelope?>> _wanted = new(StringComparer.Ordinal);

    public bool IsRelayRunning => true;

    /// <summary>Messages waiting for their next attempt.</summary>
    public int ScheduledCount => due.Count;

    /// <summary>Puts <paramref name="envelope"/> on the schedule (recovered, new, or back from an attempt), or hands it to the operator action waiting for it.</summary>
    public void Schedule(Envelope envelope)
    {
        TaskCompletionSource<Envelope?>? waiter;
        lock (_gate)
        {
            _inFlight.Remove(envelope.QueueId);
            if (!_wanted.Remove(envelope.QueueId, out waiter))
            {
                due.Schedule(envelope);
                return;
            }
        }

        waiter.TrySetResult(envelope);
    }

    /// <summary>Waits for the next due message and marks it in flight; a message an operator action waits for goes there instead.</summary>
    public async Task<Envelope> TakeDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var envelope = await due.TakeDueAsync(cancellationToken);
            TaskCompletionSource<Envelope?>? waiter;
            lock (_gate)
            {
                if (!_wanted.Remove(envelope.QueueId, out waiter))
                {
                    _inFlight.Add(envelope.QueueId);
                    return envelope;
                }
            }

            waiter.TrySetResult(envelope);
        }
    }

    /// <summary>The attempt removed <paramref name="envelope"/> from the queue (all recipients done).</summary>
    public void Finished(Envelope envelope)
    {
        TaskCompletionSource<Envelope?>? waiter;
        lock (_gate)
        {
            _inFlight.Remove(envelope.QueueId);
            _wanted.Remove(envelope.QueueId, out waiter);
        }

        waiter?.TrySetResult(null);
    }

    public async Task<Custody> TakeAsync(string queueId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<Envelope?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (due.TryRemove(queueId, out var scheduled))
            {
                return Custody.Taken(scheduled);
            }

            // Not on the schedule: in flight, or between two places (just taken for delivery, just
            // spooled and not yet scheduled) when its envelope is still in the queue.
            if (_wanted.ContainsKey(queueId) || !(_inFlight.Contains(queueId) || spool.Contains(queueId)))
            {
                return new Custody(_wanted.ContainsKey(queueId) ? CustodyStatus.Busy : CustodyStatus.NotFound);
            }

            _wanted[queueId] = waiter;
        }

        return await WaitForHandOverAsync(queueId, waiter, deadline, cancellationToken);
    }

    public void GiveBack(Envelope envelope) => Schedule(envelope);

    public Task<RetryOutcome> RetryNowAsync(string queueId)
    {
        lock (_gate)
        {
            return Task.FromResult(BringForward(queueId));
        }
    }

    public Task<(int Rescheduled, int InFlight)> RetryAllNowAsync()
    {
        lock (_gate)
        {
            // Not written to the spool, like a single retry (see BringForward).
            return Task.FromResult((due.BringAllForward(time.GetUtcNow()), _inFlight.Count));
        }
    }

    private RetryOutcome BringForward(string queueId)
    {
        if (due.TryRemove(queueId, out var envelope))
        {
            // Not written to the spool: the attempt writes the envelope anyway, and a restart
            // before it would schedule the message at its stored time, soon enough.
            var now = time.GetUtcNow();
            if (envelope.NextAttemptAt > now)
            {
                envelope.NextAttemptAt = now;
            }

            due.Schedule(envelope);
            return RetryOutcome.Rescheduled;
        }

        return _inFlight.Contains(queueId) || spool.Contains(queueId) ? RetryOutcome.InFlight : RetryOutcome.NotFound;
    }

    private async Task<Custody> WaitForHandOverAsync(string queueId, TaskCompletionSource<Envelope?> waiter, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var wait = deadline - time.GetUtcNow();
        try
        {
            var envelope = await waiter.Task.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, cancellationToken);
            return envelope is null ? new Custody(CustodyStatus.Finished) : Custody.Taken(envelope);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                if (_wanted.TryGetValue(queueId, out var registered) && registered == waiter)
                {
                    _wanted.Remove(queueId);
                    return new Custody(CustodyStatus.Busy);
                }
            }

            // Handed over just as the wait ended: the message is ours and must not be dropped.
            var envelope = await waiter.Task;
            return envelope is null ? new Custody(CustodyStatus.Finished) : Custody.Taken(envelope);
        }
    }

    /// <summary>Disposes the schedule it owns.</summary>
    public void Dispose() => due.Dispose();
}
