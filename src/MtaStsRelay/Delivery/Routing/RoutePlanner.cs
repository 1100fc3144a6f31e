using MtaSts.Failures;
using MtaSts.Policy;
using MtaSts.Resolution;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Delivery.Routing;

/// <summary>
/// The one pure function behind every delivery decision (rules doc §6): (MX hosts, policy or none,
/// local override) ⇒ ordered candidates, each with its TLS requirement. Exhaustively testable, and
/// what the logs and <c>check</c> explain.
/// </summary>
public static class RoutePlanner
{
    /// <summary>
    /// Plans delivery to <paramref name="mxHosts"/> (already in preference order), at most
    /// <paramref name="maxHosts"/> per pass. The cap applies after the policy's filter, so a domain
    /// whose listed MX hosts sort after many unlisted ones still has them tried.
    /// </summary>
    public static RoutePlan Plan(IReadOnlyList<MxHost> mxHosts, PolicyResolution? policy, DomainOverride domainOverride, int maxHosts = int.MaxValue)
    {
        var plan = PlanUncapped(mxHosts, policy, domainOverride);
        return plan with { Passes = [.. plan.Passes.Select(p => (IReadOnlyList<RouteCandidate>)[.. p.Take(maxHosts)])] };
    }

    private static RoutePlan PlanUncapped(IReadOnlyList<MxHost> mxHosts, PolicyResolution? policy, DomainOverride domainOverride)
    {
        if (domainOverride == DomainOverride.Off)
        {
            return Opportunistic(mxHosts, null);
        }

        var mode = policy?.Policy?.Mode ?? MtaStsMode.None;
        // RequireTls is the stricter local choice unless the domain itself enforces (whose mx list
        // then also narrows the hosts): it upgrades none and testing to verified TLS to every MX.
        if (domainOverride == DomainOverride.RequireTls && mode != MtaStsMode.Enforce)
        {
            return new RoutePlan(RouteRule.RequireTls, policy, [Verified(mxHosts)], []);
        }

        if (mode == MtaStsMode.None)
        {
            return Opportunistic(mxHosts, policy);
        }

        // §4.1: an MX that matches no pattern is not eligible; under enforce it is never contacted.
        var eligible = mxHosts.Where(h => policy!.Policy!.AllowsMx(h.Name)).ToList();
        var skipped = mxHosts.Except(eligible)
            .Select(h => new SkippedHost(h, new StsFailure(FailureType.ValidationFailure,
                $"mx-mismatch: {h.Name} matches none of the policy's mx patterns ({string.Join(", ", policy!.Policy!.Mx)})")))
            .ToList();

        if (mode == MtaStsMode.Enforce)
        {
            return new RoutePlan(RouteRule.Enforce, policy, [Verified(eligible)], skipped);
        }

        // Testing (§5): the same checks first; when none passes, deliver anyway as without a policy.
        return new RoutePlan(RouteRule.Testing, policy, [Verified(eligible), OpportunisticPass(mxHosts)], skipped);
    }

    private static RoutePlan Opportunistic(IReadOnlyList<MxHost> hosts, PolicyResolution? policy) =>
        new(RouteRule.Opportunistic, policy, [OpportunisticPass(hosts)], []);

    private static List<RouteCandidate> Verified(IEnumerable<MxHost> hosts) =>
        hosts.Select(h => new RouteCandidate(h, TlsRequirement.Verified, PlainTextRetry: false)).ToList();

    private static List<RouteCandidate> OpportunisticPass(IEnumerable<MxHost> hosts) =>
        hosts.Select(h => new RouteCandidate(h, TlsRequirement.Opportunistic, PlainTextRetry: true)).ToList();
}
