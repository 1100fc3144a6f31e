namespace MtaSts.Policy;

/// <summary>
/// One <c>mx</c> value of a policy: a host name in A-label form, or <c>*.</c> followed by one
/// (RFC 8461 §3.2, §4.1). Stored lower-case without a trailing dot.
/// </summary>
/// <param name="Pattern">The normalised pattern, e.g. <c>mail.example.com</c> or <c>*.example.net</c>.</param>
public readonly record struct MxPattern(string Pattern)
{
    /// <summary>True for a <c>*.</c> pattern, which matches exactly one extra leftmost label.</summary>
    public bool IsWildcard => Pattern.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>
    /// Validates and normalises a raw <c>mx</c> value. Rejects IP addresses, empty values,
    /// U-labels, and names that are not LDH host names.
    /// </summary>
    public static bool TryCreate(string value, out MxPattern pattern, out string? error) =>
        MxPatternRules.TryCreate(value, out pattern, out error);

    /// <summary>
    /// §4.1: case-insensitive, ignoring one trailing dot on <paramref name="mxHost"/>; a wildcard
    /// matches exactly one leftmost label (<c>*.example.com</c> matches <c>a.example.com</c>, not
    /// <c>example.com</c> nor <c>a.b.example.com</c>).
    /// </summary>
    public bool Matches(string mxHost) => MxPatternRules.Matches(Pattern, mxHost);

    /// <inheritdoc />
    public override string ToString() => Pattern;
}
