namespace MtaStsRelay.Transport;

/// <summary>
/// What one attempt demands of TLS. The route decides (RFC 8461 §4.2, §5); the transport only obeys.
/// </summary>
public enum TlsRequirement
{
    /// <summary>
    /// MTA-STS enforce/testing: STARTTLS is required, TLS 1.2 or newer, and the certificate must be
    /// valid for the MX host name. Any failure ends the session before MAIL FROM; there is never a
    /// fallback to plain text inside the transport.
    /// </summary>
    Verified,

    /// <summary>
    /// No policy (or mode none): STARTTLS when offered, any protocol the OS allows, any certificate.
    /// Whether the certificate would have verified is still recorded, for the logs and TLS-RPT.
    /// </summary>
    Opportunistic,

    /// <summary>Plain text; used by the caller to retry an MX whose opportunistic handshake failed.</summary>
    None,
}
