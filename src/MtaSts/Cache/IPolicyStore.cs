namespace MtaSts.Cache;

/// <summary>
/// Where policies outlive the process (RFC 8461 §10: a cache that dies with the process reopens the
/// downgrade window at every restart). One entry per domain. The file store is the default; a shared
/// store (e.g. Redis, for several relays) can implement the same contract.
/// </summary>
public interface IPolicyStore
{
    /// <summary>The entry of <paramref name="domain"/>, or null when there is none or it is unreadable (logged).</summary>
    Task<CachedPolicy?> GetAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Replaces the entry of <paramref name="policy"/>'s domain atomically.</summary>
    Task SetAsync(CachedPolicy policy, CancellationToken cancellationToken);

    /// <summary>Removes the entry of <paramref name="domain"/>, if any.</summary>
    Task RemoveAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Every readable entry (for operator commands and the proactive refresh).</summary>
    Task<IReadOnlyList<CachedPolicy>> ListAsync(CancellationToken cancellationToken);
}
