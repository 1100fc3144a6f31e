namespace MtaSts.Policy;

/// <summary>The <c>mode</c> of an MTA-STS policy (RFC 8461 §3.2).</summary>
public enum MtaStsMode
{
    /// <summary>Deliver only to matching MX hosts over verified TLS; otherwise defer.</summary>
    Enforce,

    /// <summary>Check as in enforce, report violations, but deliver anyway.</summary>
    Testing,

    /// <summary>The domain has retired MTA-STS: behave as if it had no policy.</summary>
    None,
}
