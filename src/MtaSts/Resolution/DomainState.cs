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

    // The answer and how long it stands, swapped as ONE reference: a reader never pairs a fresh lookup
    // time with an older answer (which would skip a fetch that is in flight for a new id).
    private ReusableAnswer? _reusable;

    private DateTimeOffset? _dnsTroubleLoggedAt;

    /// <summary>When delivery last asked for this domain (or, after a restart, when its cached policy was fetched).</summary>
    public DateTimeOffset LastUsed { get; set; }

    /// <summary>First TXT lookup failure of the current run of failures, if any.</summary>
    public DateTimeOffset? DnsTroubleSince { get; set; }

    /// <summary>
    /// True when a failed TXT lookup with a cached policy should be logged at <paramref name="now"/>:
    /// the first of a run of failures, then at most once per <paramref name="interval"/>.
    /// </summary>
    public bool TakeDnsTroubleLogTurn(DateTimeOffset now, TimeSpan interval)
    {
        lock (_gate)
        {
            if (_dnsTroubleLoggedAt is { } last && now - last < interval)
            {
                return false;
            }

            _dnsTroubleLoggedAt = now;
            return true;
        }
    }

    /// <summary>The TXT lookup answered again: the next failure is logged at once.</summary>
    public void EndDnsTrouble()
    {
        lock (_gate)
        {
            DnsTroubleSince = null;
            _dnsTroubleLoggedAt = null;
        }
    }

    /// <summary>The resolution to reuse at <paramref name="now"/>, or null when the slow path is due.</summary>
    public PolicyResolution? ReusableAt(DateTimeOffset now) =>
        Volatile.Read(ref _reusable) is { } answer && now < answer.Until ? answer.Resolution : null;

    /// <summary>Reuses <paramref name="resolution"/> until <paramref name="until"/>; null always takes the slow path.</summary>
    public void Reuse(PolicyResolution? resolution, DateTimeOffset until) =>
        Volatile.Write(ref _reusable, resolution is null ? null : new ReusableAnswer(resolution, until));

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

    private sealed record ReusableAnswer(PolicyResolution Resolution, DateTimeOffset Until);
}
