namespace SimulatedInternet;

/// <summary>How a query reached the <see cref="DnsTestServer"/>.</summary>
public enum DnsTransport
{
    Udp,
    Tcp,
}

/// <summary>
/// One query the <see cref="DnsTestServer"/> received: the name normalised (lower case, no trailing dot),
/// the type, the transport, whether it carried an EDNS OPT record, and the RCODE answered
/// (null when the server stayed silent on purpose).
/// </summary>
public sealed record DnsQueryLogEntry(
    string Name,
    DnsRecordType Type,
    DnsTransport Transport,
    bool HadEdns,
    DnsRcode? ResponseCode);
