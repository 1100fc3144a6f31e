using MtaSts.Policy;

namespace MtaSts.Cache;

/// <summary>A policy as kept in the cache: valid until <see cref="ExpiresAt"/> = fetched_at + max_age (RFC 8461 §3.3).</summary>
/// <param name="Domain">The recipient domain (lower-case A-labels).</param>
/// <param name="Id">The TXT record id the policy was fetched under.</param>
/// <param name="Policy">The policy.</param>
/// <param name="FetchedAt">When it was fetched.</param>
/// <param name="ExpiresAt">When it stops being usable.</param>
public sealed record CachedPolicy(string Domain, string Id, MtaStsPolicy Policy, DateTimeOffset FetchedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>True once <paramref name="now"/> has reached the expiry.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}
