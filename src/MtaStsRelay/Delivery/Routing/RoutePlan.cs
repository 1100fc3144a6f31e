using MtaSts.Failures;
using MtaSts.Resolution;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Delivery.Routing;

/// <summary>How a route came to be: which rule set governs the delivery.</summary>
public enum RouteRule
{
    /// <summary>No policy (or <c>mode: none</c>, or override Off): opportunistic STARTTLS, plain text after a failed handshake.</summary>
    Opportunistic,

    /// <summary>MTA-STS enforce: matching MX hosts only, verified TLS only; otherwise defer.</summary>
    Enforce,

    /// <summary>MTA-STS testing: verified TLS to matching hosts first; if none passes, deliver anyway and log the violation.</summary>
    Testing,

    /// <summary>Local override RequireTls: verified TLS to any MX host; otherwise defer.</summary>
    RequireTls,
}

/// <summary>One host to try, with the TLS it must get.</summary>
/// <param name="Host">The MX host.</param>
/// <param name="Tls">What TLS the transport must insist on.</param>
/// <param name="PlainTextRetry">After a failed TLS handshake, retry this host in plain text (only when no policy applies).</param>
public sealed record RouteCandidate(MxHost Host, TlsRequirement Tls, bool PlainTextRetry);

/// <summary>An MX host that will not be contacted, and why (e.g. not in the policy's mx list).</summary>
/// <param name="Host">The host.</param>
/// <param name="Failure">The reason with its RFC 8460 type.</param>
public sealed record SkippedHost(MxHost Host, StsFailure Failure);

/// <summary>
/// The decision for one recipient domain: an ordered list of passes, each an ordered list of hosts.
/// Delivery tries the hosts of the first pass in order, then the next pass only if the first found
/// no host that passed its TLS requirement (testing mode's "deliver anyway").
/// </summary>
/// <param name="Rule">The rule set that applies.</param>
/// <param name="Policy">The policy resolution it came from (null for an override that ignores it).</param>
/// <param name="Passes">The passes, in order.</param>
/// <param name="Skipped">Hosts excluded by the policy.</param>
public sealed record RoutePlan(RouteRule Rule, PolicyResolution? Policy, IReadOnlyList<IReadOnlyList<RouteCandidate>> Passes, IReadOnlyList<SkippedHost> Skipped)
{
    /// <summary>True when a failure must defer rather than fall back to weaker delivery.</summary>
    public bool Strict => Rule is RouteRule.Enforce or RouteRule.RequireTls;
}
