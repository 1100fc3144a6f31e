using System.Net;

namespace MtaStsRelay.Transport;

/// <summary>One SMTP session to one MX address: everything the transport needs and nothing of policy.</summary>
/// <param name="MxHost">The MX host name, used for SNI and the certificate check; a trailing dot is ignored.</param>
/// <param name="Address">The address to connect to (one of the MX host's A/AAAA records).</param>
/// <param name="Port">The SMTP port, 25 in production.</param>
/// <param name="Tls">What TLS this attempt requires.</param>
/// <param name="Sender">The envelope sender; empty for the null sender (bounces, RFC 5321 §4.5.5).</param>
/// <param name="Recipients">The envelope recipients of this attempt, all in one recipient domain.</param>
/// <param name="MessagePath">The queued message file; its bytes are sent as they are.</param>
/// <param name="LocalDomain">The name this relay gives in EHLO.</param>
public sealed record TransportRequest(
    string MxHost,
    IPAddress Address,
    int Port,
    TlsRequirement Tls,
    string Sender,
    IReadOnlyList<string> Recipients,
    string MessagePath,
    string LocalDomain);
