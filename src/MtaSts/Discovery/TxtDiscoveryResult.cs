namespace MtaSts.Discovery;

/// <summary>What the DNS said about <c>_mta-sts.&lt;domain&gt;</c>.</summary>
public enum TxtDiscoveryStatus
{
    /// <summary>Exactly one valid STS record: its id is in the result.</summary>
    Found,

    /// <summary>NXDOMAIN, no TXT records, or no record starting with <c>v=STSv1</c>.</summary>
    NoRecord,

    /// <summary>STS records exist but none is usable (several, or malformed): no policy is available from DNS.</summary>
    Invalid,

    /// <summary>The lookup itself failed (SERVFAIL, timeout, unreachable name server).</summary>
    DnsError,
}

/// <summary>The outcome of TXT discovery, with everything <c>check</c> shows.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="Record">The chosen record when <paramref name="Status"/> is Found.</param>
/// <param name="Records">Every TXT record at the name, each joined from its strings with no separator.</param>
/// <param name="Reason">Why nothing was found or chosen, in words an admin can act on.</param>
public sealed record TxtDiscoveryResult(
    TxtDiscoveryStatus Status,
    StsTxtRecord? Record,
    IReadOnlyList<string> Records,
    string? Reason);
