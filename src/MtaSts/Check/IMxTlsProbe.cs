using System.Net;
using MtaSts.Tls;

namespace MtaSts.Check;

/// <summary>
/// Probes one MX address for STARTTLS: the one SMTP-shaped dependency of <c>check</c>. The library
/// stays free of SMTP code; the relay supplies an implementation built on its own transport.
/// </summary>
public interface IMxTlsProbe
{
    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>, asks for STARTTLS and validates the certificate for <paramref name="mxHost"/>.</summary>
    Task<MxTlsProbeResult> ProbeAsync(string mxHost, IPAddress address, int port, CancellationToken cancellationToken);
}

/// <summary>What a STARTTLS probe of one MX address found.</summary>
/// <param name="Connected">The TCP connection and SMTP greeting succeeded.</param>
/// <param name="StartTlsOffered">EHLO advertised STARTTLS.</param>
/// <param name="TlsProtocol">The negotiated protocol, e.g. <c>Tls13</c>, when the handshake completed.</param>
/// <param name="CipherSuite">The negotiated cipher suite, when the handshake completed.</param>
/// <param name="Certificate">The certificate verdict for the MX host name, when a certificate was presented.</param>
/// <param name="CertificateSubject">Subject of the presented certificate.</param>
/// <param name="CertificateIssuer">Issuer of the presented certificate.</param>
/// <param name="CertificateNotAfter">Expiry of the presented certificate.</param>
/// <param name="Error">Why the probe stopped early (connection refused, timeout, handshake failure), if it did.</param>
public sealed record MxTlsProbeResult(
    bool Connected,
    bool StartTlsOffered,
    string? TlsProtocol,
    string? CipherSuite,
    CertificateVerdict? Certificate,
    string? CertificateSubject,
    string? CertificateIssuer,
    DateTimeOffset? CertificateNotAfter,
    string? Error)
{
    /// <summary>True when STARTTLS worked with TLS 1.2 or newer and the certificate is valid for the MX name.</summary>
    public bool Passed =>
        Connected && StartTlsOffered && Certificate is { IsValid: true } && TlsProtocol is "Tls12" or "Tls13";
}
