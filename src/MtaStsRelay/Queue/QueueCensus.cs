namespace MtaStsRelay.Queue;

/// <summary>
/// Which messages the spool holds and when each arrived, kept in memory as entries come and go, so
/// the queue size and the age of the oldest message can be read on every metrics scrape and health
/// check without listing the folder or reading envelopes. The arrival time is the envelope's, not
/// the one coded in the queue id: ids keep counting up when the clock steps back.
/// </summary>
public sealed class QueueCensus
{
    private readonly Dictionary<string, DateTimeOffset> _arrivals = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Counts a stored entry.</summary>
    public void Add(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        lock (_gate)
        {
            _arrivals[envelope.QueueId] = envelope.ArrivedAt;
        }
    }

    /// <summary>Forgets an entry that left the queue.</summary>
    public void Remove(string queueId)
    {
        lock (_gate)
        {
            _arrivals.Remove(queueId);
        }
    }

    /// <summary>
    /// Counts the entries found at recovery. Added to, not replacing, what is counted already: a
    /// message may be spooled by the listener while recovery runs, and recovery finds it too.
    /// </summary>
    public void AddRange(IEnumerable<Envelope> envelopes)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        lock (_gate)
        {
            foreach (var envelope in envelopes)
            {
                _arrivals[envelope.QueueId] = envelope.ArrivedAt;
            }
        }
    }

    /// <summary>The number of messages queued (no scan).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _arrivals.Count;
            }
        }
    }

    /// <summary>The number of messages queued and the arrival of the oldest (null when the queue is empty).</summary>
    public (int Count, DateTimeOffset? OldestArrival) Snapshot()
    {
        lock (_gate)
        {
            DateTimeOffset? oldest = null;
            foreach (var arrived in _arrivals.Values)
            {
                if (oldest is null || arrived < oldest)
                {
                    oldest = arrived;
                }
            }

            return (_arrivals.Count, oldest);
        }
    }
}
