namespace MtaStsRelay.Delivery.Routing;

/// <summary>
/// A local decision for one recipient domain that beats what the domain publishes
/// (<c>Relay:Domains:&lt;domain&gt;:MtaSts</c>).
/// </summary>
public enum DomainOverride
{
    /// <summary>Follow the domain's published MTA-STS policy (the default).</summary>
    Policy,

    /// <summary>Ignore MTA-STS for this domain: opportunistic TLS, as if it published no policy (for a partner whose policy is broken).</summary>
    Off,

    /// <summary>Require STARTTLS with a valid certificate for every MX of this domain, even though it publishes no policy.</summary>
    RequireTls,
}

/// <summary><c>Relay:Domains</c>: per-domain overrides, keyed by recipient domain.</summary>
public sealed class DomainOverrideOptions
{
    /// <summary>The override of one domain.</summary>
    public DomainOverride MtaSts { get; set; } = DomainOverride.Policy;
}
