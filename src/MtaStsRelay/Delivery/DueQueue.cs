using System.Diagnostics.CodeAnalysis;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Delivery;

/// <summary>
/// The in-memory schedule of queued messages, ordered by next attempt time. The spool on disk is the
/// truth; this is rebuilt from it at start. Waiting runs on <see cref="TimeProvider"/>, so tests move
/// time instead of sleeping.
/// </summary>
internal sealed class DueQueue(TimeProvider time) : IDisposable
{
    private readonly PriorityQueue<Envelope, DateTimeOffset> _queue = new();
    private readonly HashSet<string> _scheduled = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Schedules <paramref name="envelope"/> at its NextAttemptAt (once; a second schedule of the same id is ignored).</summary>
    public void Schedule(Envelope envelope)
    {
        lock (_gate)
        {
            if (!_scheduled.Add(envelope.QueueId))
            {
                return;
            }

            _queue.Enqueue(envelope, envelope.NextAttemptAt);
        }

        _changed.Release();
    }

    /// <summary>Waits for the next envelope whose time has come and takes it off the schedule.</summary>
    public async Task<Envelope> TakeDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            DateTimeOffset? firstDue;
            lock (_gate)
            {
                if (_queue.TryPeek(out var next, out var due) && due <= time.GetUtcNow())
                {
                    _queue.Dequeue();
                    _scheduled.Remove(next.QueueId);
                    return next;
                }

                firstDue = _queue.Count == 0 ? null : due;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var changed = _changed.WaitAsync(wake.Token);
            var timer = firstDue is { } at ? Task.Delay(Max(at - time.GetUtcNow(), TimeSpan.Zero), time, wake.Token) : Task.Delay(Timeout.Infinite, wake.Token);

            // The clock may have passed the due time between the look above and the timer starting
            // (a clock moved by hand does not wait for timers to exist): look again rather than sleep.
            if (firstDue is null || time.GetUtcNow() < firstDue)
            {
                await Task.WhenAny(changed, timer);
            }

            await wake.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Takes <paramref name="queueId"/> off the schedule if it is on it (an operator action wants it).</summary>
    public bool TryRemove(string queueId, [NotNullWhen(true)] out Envelope? envelope)
    {
        lock (_gate)
        {
            envelope = _scheduled.Contains(queueId) ? _queue.UnorderedItems.First(e => e.Element.QueueId == queueId).Element : null;
            if (envelope is null || !_queue.Remove(envelope, out _, out _, ReferenceEqualityComparer.Instance))
            {
                envelope = null;
                return false;
            }

            _scheduled.Remove(queueId);
            return true;
        }
    }

    /// <summary>
    /// Makes every scheduled envelope due by <paramref name="now"/> (those due earlier keep their
    /// turn) with one rebuild of the heap, not one removal per message: after an outage the queue can
    /// hold tens of thousands. Returns how many are on the schedule.
    /// </summary>
    public int BringAllForward(DateTimeOffset now)
    {
        int count;
        lock (_gate)
        {
            var all = _queue.UnorderedItems.Select(i => i.Element).ToList();
            foreach (var envelope in all.Where(e => e.NextAttemptAt > now))
            {
                envelope.NextAttemptAt = now;
            }

            _queue.Clear();
            _queue.EnqueueRange(all.Select(e => (e, e.NextAttemptAt)));

            count = all.Count;
        }

        _changed.Release();
        return count;
    }

    public void Dispose() => _changed.Dispose();
}
