using MtaSts.Cache;
using MtaSts.Failures;
using MtaSts.Policy;

namespace MtaSts.Resolution;

/// <summary>Where the policy of a resolution came from.</summary>
public enum PolicySource
{
    /// <summary>No policy applies: the domain publishes none, retired it, or it could not be had (see the failure).</summary>
    NoPolicy,

    /// <summary>Fetched just now.</summary>
    Fetched,

    /// <summary>From the cache (memory or disk), still valid.</summary>
    Cache,

    /// <summary>From the cache because a newer policy could not be fetched (the failure says why).</summary>
    CacheAfterFailure,
}

/// <summary>The words for <see cref="PolicySource"/> in logs and metrics.</summary>
public static class PolicySourceNames
{
    /// <summary>The delivery log's <c>policy_source=</c> value (also the metrics' <c>source</c> tag).</summary>
    public static string ToLogName(this PolicySource source) => source switch
    {
        PolicySource.Cache => "cache",
        PolicySource.Fetched => "fetched",
        PolicySource.CacheAfterFailure => "cache-after-failure",
        _ => "none",
    };
}

/// <summary>
/// The outcome of resolving a recipient domain's MTA-STS policy, as a value: the policy (or none),
/// where it came from, and any failure with its RFC 8460 type. Delivery decides from this alone.
/// </summary>
/// <param name="Domain">The recipient domain (lower-case A-labels).</param>
/// <param name="Source">Where the policy came from.</param>
/// <param name="Entry">The policy with its id and lifetime; null for <see cref="PolicySource.NoPolicy"/>.</param>
/// <param name="Failure">A fetch failure seen while resolving, if any (the policy may still come from the cache).</param>
/// <param name="Warning">Something an admin should know that is not a failure (TXT gone while cached, invalid TXT, DNS trouble).</param>
/// <param name="DeferRecommended">DNS trouble with nothing cached and <c>DeferOnDnsTrouble</c> on: hold the mail for now.</param>
/// <param name="TxtLookupFailed">The <c>_mta-sts</c> TXT lookup failed (SERVFAIL, timeout); any policy is the cached one, and <paramref name="Warning"/> says why.</param>
public sealed record PolicyResolution(
    string Domain,
    PolicySource Source,
    CachedPolicy? Entry,
    StsFailure? Failure = null,
    string? Warning = null,
    bool DeferRecommended = false,
    bool TxtLookupFailed = false)
{
    /// <summary>The policy, when one applies (including a <c>mode: none</c> policy).</summary>
    public MtaStsPolicy? Policy => Entry?.Policy;

    /// <summary>The id of the policy, when one applies.</summary>
    public string? PolicyId => Entry?.Id;

    /// <summary>The mode that governs delivery: none when no policy applies.</summary>
    public MtaStsMode Mode => Entry?.Policy.Mode ?? MtaStsMode.None;
}
