namespace MtaStsRelay.Configuration;

/// <summary><c>Relay:Tls</c>: outbound trust, shared by the policy fetch and SMTP delivery.</summary>
public sealed class TlsOptions
{
    /// <summary>
    /// A PEM bundle of root certificates trusted in addition to the system store (private PKI, labs,
    /// tests). Empty = the system store only. The machine's trust store is never modified.
    /// </summary>
    public string? TrustedRoots { get; set; }
}
