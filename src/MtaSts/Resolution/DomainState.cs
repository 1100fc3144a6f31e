using MtaSts.Failures;

namespace MtaSts.Resolution;

/// <summary>
/// What the resolver remembers about one domain between resolutions, in memory only: when the TXT
/// record was last asked for (rate limit), the answer it gave, failed fetches (back-off per id), DNS
/// trouble, and when the domain was last used (proactive refresh).
/// </summary>
internal sealed class DomainState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset At, StsFailure Failure)> _failedFetches = new(StringComparer.Ordinal);

    /// <summary>When the TXT record was last looked up.</summary>
    public DateTimeOffset LastTxtLookup { get; set; } = DateTimeOffset.MinValue;

    /// <summary>The resolution to reuse until the next TXT lookup is due (null = always take the slow path).</summary>
    public PolicyResolution? Reusable { get; set; }

    /// <summary>When delivery last asked for this domain.</summary>
    public DateTimeOffset LastUsed { get; set; }

    /// <summary>First TXT lookup failure of the current run of failures, if any.</summary>
    public DateTimeOffset? DnsTroubleSince { get; set; }

    /// <summary>The failure of a fetch for <paramref name="id"/> within <paramref name="backoff"/> of <paramref name="now"/>, if any.</summary>
    public StsFailure? RecentFetchFailure(string id, DateTimeOffset now, TimeSpan backoff)
    {
        lock (_gate)
        {
            return _failedFetches.TryGetValue(id, out var seen) && now - seen.At < backoff ? seen.Failure : null;
        }
    }

    /// <summary>Records a failed fetch for <paramref name="id"/>.</summary>
    public void RecordFetchFailure(string id, DateTimeOffset now, StsFailure failure)
    {
        lock (_gate)
        {
            _failedFetches[id] = (now, failure);
        }
    }

    /// <summary>Forgets failed fetches after a success.</summary>
    public void ClearFetchFailures()
    {
        lock (_gate)
        {
            _failedFetches.Clear();
        }
    }
}
