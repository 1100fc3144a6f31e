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
    /// <summary>
    /// The override of one domain as written in the settings: <c>Policy</c>, <c>Off</c> or
    /// <c>RequireTls</c>. Kept as text so a misspelt value is caught at start-up, naming the key,
    /// instead of being dropped silently by the configuration binder.
    /// </summary>
    public string MtaSts { get; set; } = nameof(DomainOverride.Policy);

    /// <summary>The parsed override; <see cref="DomainOverride.Policy"/> until validation has accepted <see cref="MtaSts"/>.</summary>
    public DomainOverride Override => TryParse(MtaSts, out var value) ? value : DomainOverride.Policy;

    /// <summary>Parses an override name, case-insensitively; numbers are not names.</summary>
    public static bool TryParse(string? text, out DomainOverride value) =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !char.IsDigit(text![0]);
}
