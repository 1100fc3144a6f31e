using MtaSts.Discovery;
using MtaSts.Fetch;
using MtaSts.Policy;

namespace MtaSts.Check;

/// <summary>Everything <c>check</c> found for a domain. <see cref="Problems"/> empty ⇒ the domain passes.</summary>
/// <param name="Domain">The domain checked (lower-case A-labels).</param>
/// <param name="Txt">The <c>_mta-sts</c> TXT lookup and verdict.</param>
/// <param name="Fetch">The policy fetch, when the TXT record allowed one.</param>
/// <param name="MxHosts">The domain's MX hosts in preference order, each with its policy match and TLS probe.</param>
/// <param name="TlsRpt">The <c>_smtp._tls</c> TLS-RPT record.</param>
/// <param name="Warnings">Things to look at that do not break delivery.</param>
/// <param name="Problems">Things that break MTA-STS for senders.</param>
/// <param name="LookupError">Set when a DNS lookup failed so the check could not be completed.</param>
public sealed record CheckReport(
    string Domain,
    TxtDiscoveryResult Txt,
    PolicyFetchResult? Fetch,
    IReadOnlyList<MxCheck> MxHosts,
    TlsRptCheck TlsRpt,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Problems,
    string? LookupError)
{
    /// <summary>The parsed policy, when the fetch produced one.</summary>
    public MtaStsPolicy? Policy => Fetch?.Policy;

    /// <summary>True when the policy is valid and every MX host passed.</summary>
    public bool Passed => LookupError is null && Problems.Count == 0;
}

/// <summary>One MX host of the domain.</summary>
/// <param name="Host">The MX host name without trailing dot.</param>
/// <param name="Preference">The MX preference (0 for an implicit MX).</param>
/// <param name="MatchedPattern">The policy <c>mx</c> pattern it matches, or null.</param>
/// <param name="Addresses">Each probed address and what STARTTLS gave.</param>
/// <param name="Error">Why the host could not be probed (no address, DNS failure), if so.</param>
public sealed record MxCheck(string Host, int Preference, string? MatchedPattern, IReadOnlyList<MxAddressCheck> Addresses, string? Error)
{
    /// <summary>True when the host matches a pattern (or there is no policy to match) and every probed address passed.</summary>
    public bool Passed(MtaStsPolicy? policy) =>
        Error is null && Addresses.Count > 0 && Addresses.All(a => a.Probe.Passed)
        && (policy is null || policy.Mode == MtaStsMode.None || MatchedPattern is not null);
}

/// <summary>The STARTTLS probe of one address of an MX host.</summary>
/// <param name="Address">The IP address probed.</param>
/// <param name="Probe">What the probe found.</param>
public sealed record MxAddressCheck(string Address, MxTlsProbeResult Probe);

/// <summary>The TLS-RPT record (RFC 8460 §3) at <c>_smtp._tls.&lt;domain&gt;</c>.</summary>
/// <param name="Records">Every TXT record at the name.</param>
/// <param name="ReportUris">The <c>rua</c> destinations of the valid record.</param>
/// <param name="Problem">What is wrong with it, or null when it is valid.</param>
public sealed record TlsRptCheck(IReadOnlyList<string> Records, IReadOnlyList<string> ReportUris, string? Problem)
{
    /// <summary>True when exactly one valid TLS-RPT record was found.</summary>
    public bool Valid => Problem is null;
}
