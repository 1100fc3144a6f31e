namespace SimulatedInternet;

/// <summary>
/// Which certificate a simulated server presents. Every kind except <see cref="Valid"/> must fail an
/// RFC 8461 §4.2 / RFC 6125 check (PKIX chain to a trusted root plus a name match).
/// </summary>
public enum CertificateKind
{
    /// <summary>Issued by the test CA for the requested name (SNI for HTTPS, the MX name for SMTP).</summary>
    Valid,

    /// <summary>Issued by the test CA, but for <see cref="ServerCertificates.WrongName"/> only.</summary>
    WrongName,

    /// <summary>Self-signed for the right name: the chain does not lead to the test CA.</summary>
    SelfSigned,

    /// <summary>Issued by the test CA for the right name, expired yesterday.</summary>
    Expired,

    /// <summary>
    /// No certificate: an MX server does not offer STARTTLS; the HTTPS host aborts the TLS handshake.
    /// </summary>
    None,
}
