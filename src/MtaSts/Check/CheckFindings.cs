using MtaSts.Discovery;
using MtaSts.Failures;
using MtaSts.Fetch;
using MtaSts.Policy;

namespace MtaSts.Check;

/// <summary>Turns what <see cref="DomainChecker"/> saw into problems (exit 1) and warnings (advice).</summary>
internal sealed class CheckFindings
{
    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    public List<string> Problems { get; } = [];

    public List<string> Warnings { get; } = [];

    public void AddTxt(TxtDiscoveryResult txt)
    {
        if (txt.Status is TxtDiscoveryStatus.NoRecord or TxtDiscoveryStatus.Invalid)
        {
            Problems.Add("TXT: " + txt.Reason);
        }
    }

    public void AddFetch(PolicyFetchResult? fetch, TxtDiscoveryResult txt)
    {
        if (fetch?.Failure is { } failure)
        {
            Problems.Add($"policy: {failure.Type.ToResultType()}: {failure.Reason}");
        }

        if (fetch?.Policy is not { } policy)
        {
            return;
        }

        if (txt.Status != TxtDiscoveryStatus.Found && policy.Mode != MtaStsMode.None)
        {
            Warnings.Add("a policy file is published but no valid TXT record announces it, so senders never fetch it");
        }

        if (policy.Mode == MtaStsMode.Testing)
        {
            Warnings.Add("mode is testing: senders report failures but still deliver without verified TLS");
        }

        if (policy.Mode == MtaStsMode.None)
        {
            Warnings.Add("mode is none: MTA-STS is retired for this domain");
        }

        if (policy.Mode == MtaStsMode.Enforce && policy.MaxAge < OneDay)
        {
            Warnings.Add($"max_age is {(long)policy.MaxAge.TotalSeconds}s in enforce mode; RFC 8461 §3.2 recommends weeks (e.g. 604800 or more) so a cached policy survives an attack");
        }
    }

    public void AddMx(IReadOnlyList<MxCheck> mxHosts, MtaStsPolicy? policy, bool implicitMx, bool mxLookupFailed)
    {
        if (implicitMx)
        {
            Warnings.Add("the domain has no MX record; senders use its A/AAAA record (implicit MX)");
        }

        foreach (var mx in mxHosts)
        {
            AddMxHost(mx, policy);
        }

        // Without MX records (the lookup failed) no pattern can match: that is not the policy's fault.
        if (policy is null || policy.Mode == MtaStsMode.None || mxLookupFailed)
        {
            return;
        }

        foreach (var pattern in policy.Mx.Where(p => !mxHosts.Any(mx => p.Matches(mx.Host))))
        {
            Warnings.Add($"mx pattern {pattern} matches none of the MX records");
        }
    }

    private void AddMxHost(MxCheck mx, MtaStsPolicy? policy)
    {
        if (mx.Error is not null)
        {
            Problems.Add($"MX {mx.Host}: {mx.Error}");
            return;
        }

        // One problem, not a warning and a problem; what senders do depends on the mode (RFC 8461 §5).
        if (policy is { Mode: MtaStsMode.Enforce } && mx.MatchedPattern is null)
        {
            Problems.Add($"MX {mx.Host} is not covered by any mx pattern of the policy, so MTA-STS senders will not deliver to it");
        }
        else if (policy is { Mode: MtaStsMode.Testing } && mx.MatchedPattern is null)
        {
            Problems.Add($"MX {mx.Host} is not covered by any mx pattern of the policy; in testing mode senders still deliver to it but report a {FailureType.ValidationFailure.ToResultType()}, and enforce mode would refuse it");
        }

        foreach (var address in mx.Addresses.Where(a => !a.Probe.Passed))
        {
            Problems.Add($"MX {mx.Host} [{address.Address}]: {DescribeProbeFailure(address.Probe)}");
        }
    }

    private static string DescribeProbeFailure(MxTlsProbeResult probe) => probe switch
    {
        { Connected: false } => probe.Error ?? "cannot connect",
        { StartTlsOffered: false } => $"{FailureType.StartTlsNotSupported.ToResultType()}: STARTTLS is not offered",
        { Certificate.Failure: { } failure } => $"{failure.Type.ToResultType()}: {failure.Reason}",
        { TlsProtocol: not ("Tls12" or "Tls13") } when probe.TlsProtocol is not null => $"TLS {probe.TlsProtocol} is older than TLS 1.2",
        _ => probe.Error ?? "STARTTLS failed",
    };
}
