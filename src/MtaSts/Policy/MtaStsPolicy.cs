namespace MtaSts.Policy;

/// <summary>
/// A parsed MTA-STS policy (RFC 8461 §3.2). Immutable; produced only by <see cref="PolicyParser"/>
/// (or rebuilt from the cache), so every instance obeys the parser's rules.
/// </summary>
/// <param name="Mode">The policy mode.</param>
/// <param name="MaxAge">How long the policy may be cached, already capped at one year.</param>
/// <param name="Mx">The <c>mx</c> patterns, in file order. Empty only when <paramref name="Mode"/> is <see cref="MtaStsMode.None"/>.</param>
public sealed record MtaStsPolicy(MtaStsMode Mode, TimeSpan MaxAge, IReadOnlyList<MxPattern> Mx)
{
    /// <summary>RFC 8461 §3.2 errata 7282: a max_age above one year is treated as one year.</summary>
    public const long MaxAgeCapSeconds = 31_557_600;

    /// <summary>True when <paramref name="mxHost"/> matches at least one <c>mx</c> pattern (§4.1).</summary>
    public bool AllowsMx(string mxHost)
    {
        // Indexed, not foreach: enumerating an IReadOnlyList allocates, and this runs per MX host.
        for (var i = 0; i < Mx.Count; i++)
        {
            if (Mx[i].Matches(mxHost))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The policy in its canonical text form (as served, normalised: CRLF lines, one key per line).</summary>
    public string ToPolicyText()
    {
        var lines = new List<string>(Mx.Count + 3)
        {
            "version: STSv1",
            "mode: " + Mode.ToString().ToLowerInvariant(),
        };
        lines.AddRange(Mx.Select(p => "mx: " + p.Pattern));
        lines.Add("max_age: " + (long)MaxAge.TotalSeconds);
        return string.Join("\r\n", lines) + "\r\n";
    }

    /// <inheritdoc />
    public bool Equals(MtaStsPolicy? other) =>
        other is not null && Mode == other.Mode && MaxAge == other.MaxAge && Mx.SequenceEqual(other.Mx);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mode, MaxAge, Mx.Count);
}
