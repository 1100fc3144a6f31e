namespace MtaSts.Policy;

/// <summary>The outcome of parsing a policy body: a policy, or the reason it is invalid.</summary>
/// <param name="Policy">The policy when the body is valid.</param>
/// <param name="Error">Why the body is invalid (names the line or key), when it is.</param>
public sealed record PolicyParseResult(MtaStsPolicy? Policy, string? Error)
{
    /// <summary>True when <see cref="Policy"/> is set.</summary>
    public bool IsValid => Policy is not null;
}

/// <summary>
/// Parses the body of <c>/.well-known/mta-sts.txt</c> (RFC 8461 §3.2 and rules doc §3): forgiving
/// about cosmetics, strict about meaning.
/// </summary>
/// <remarks>
/// Cosmetics we forgive: a leading UTF-8 BOM, blank lines, spaces and tabs around keys and values,
/// CRLF or LF line ends (errata 6253), and the case of keys (<c>Mode:</c> is <c>mode:</c>) — the RFC
/// spells keys case-sensitively, but no sender gains anything by discarding a policy over that.
/// Meaning we are strict about: values are compared exactly as the RFC's ABNF spells them (see
/// <see cref="PolicyFields"/>). Never throws; the work is linear in the body and the number of
/// <c>mx</c> lines is bounded, so hostile bodies fail fast as values.
/// </remarks>
public static class PolicyParser
{
    /// <summary>WSP of RFC 5234: the only whitespace trimmed around keys and values.</summary>
    private const string Whitespace = " \t";

    /// <summary>Parses a policy body already decoded as UTF-8.</summary>
    /// <param name="body">The body as served; lines end in LF or CRLF.</param>
    /// <returns>The policy, or an error that names the offending line or key.</returns>
    public static PolicyParseResult Parse(string body)
    {
        if (body is null)
        {
            return Invalid("the policy body is missing");
        }

        var fields = new PolicyFields();
        var rest = WithoutByteOrderMark(body);
        for (var lineNumber = 1; !rest.IsEmpty; lineNumber++)
        {
            var error = ReadLine(NextLine(ref rest), lineNumber, ref fields);
            if (error is not null)
            {
                return Invalid(error);
            }
        }

        var policy = fields.ToPolicy(out var missing);
        return policy is null ? Invalid(missing) : new PolicyParseResult(policy, null);
    }

    private static PolicyParseResult Invalid(string? error) =>
        new(null, error ?? "the policy is invalid");

    /// <summary>Editors on Windows save UTF-8 with a BOM; it is not part of the first key.</summary>
    private static ReadOnlySpan<char> WithoutByteOrderMark(string body) =>
        body.StartsWith('\uFEFF') ? body.AsSpan(1) : body.AsSpan();

    /// <summary>Cuts the next line off <paramref name="rest"/>: up to LF, less one CR before it (errata 6253).</summary>
    private static ReadOnlySpan<char> NextLine(ref ReadOnlySpan<char> rest)
    {
        var end = rest.IndexOf('\n');
        ReadOnlySpan<char> line;
        if (end < 0)
        {
            line = rest;
            rest = [];
        }
        else
        {
            line = rest[..end];
            rest = rest[(end + 1)..];
        }

        return line.EndsWith('\r') ? line[..^1] : line;
    }

    /// <summary>Reads one <c>key: value</c> line into <paramref name="fields"/>; returns why it is invalid, if it is.</summary>
    private static string? ReadLine(ReadOnlySpan<char> line, int lineNumber, ref PolicyFields fields)
    {
        var content = line.Trim(Whitespace);
        if (content.IsEmpty)
        {
            return null;
        }

        var colon = content.IndexOf(':');
        if (colon < 0)
        {
            return $"line {lineNumber} has no ':'; every line must read 'key: value' "
                + $"(found '{ErrorText.Quote(content)}')";
        }

        var key = content[..colon].TrimEnd(Whitespace);
        if (key.IsEmpty)
        {
            return $"line {lineNumber} has no key before ':'";
        }

        return fields.Add(key, content[(colon + 1)..].TrimStart(Whitespace), lineNumber);
    }
}
