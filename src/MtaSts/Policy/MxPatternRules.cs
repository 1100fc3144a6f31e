using System.Net;
using System.Text;

namespace MtaSts.Policy;

/// <summary>
/// The grammar and matching rules behind <see cref="MxPattern"/> (RFC 8461 §3.2 <c>sts-policy-mx-value</c>,
/// §4.1; rules doc §3 and §5).
/// </summary>
/// <remarks>
/// An <c>mx</c> value is <c>["*."] Domain</c> in A-label form. Our decisions where the RFC is loose:
/// one trailing dot is accepted and removed (a fully qualified name means the same host); at least two
/// labels are required (public MX hosts are never dotless, and <c>*.com</c> would open a whole TLD);
/// a name whose last label is all digits is refused (no TLD is numeric, RFC 3696 §2).
/// Matching allocates nothing: it runs for every MX of every delivery.
/// </remarks>
internal static class MxPatternRules
{
    /// <summary>RFC 1035 §2.3.4: a label is at most 63 octets.</summary>
    private const int MaxLabelLength = 63;

    /// <summary>RFC 1035 §2.3.4 as written in text: at most 253 characters without the final dot.</summary>
    private const int MaxNameLength = 253;

    public static bool TryCreate(string value, out MxPattern pattern, out string? error)
    {
        if (value is null)
        {
            pattern = default;
            error = "mx value is missing";
            return false;
        }

        return TryCreate(value.AsSpan(), value, out pattern, out error);
    }

    /// <summary>
    /// Validates <paramref name="value"/> and normalises it into a pattern. <paramref name="source"/>,
    /// when it already holds the normalised text, is reused instead of allocating a new string.
    /// </summary>
    internal static bool TryCreate(ReadOnlySpan<char> value, string? source, out MxPattern pattern, out string? error)
    {
        pattern = default;
        var name = value.EndsWith('.') ? value[..^1] : value;
        error = FindError(value, name, out var hasUpperCase);
        if (error is not null)
        {
            return false;
        }

        pattern = new MxPattern(Normalise(name, source, hasUpperCase));
        return true;
    }

    public static bool Matches(string pattern, string mxHost)
    {
        if (string.IsNullOrEmpty(pattern) || string.IsNullOrEmpty(mxHost))
        {
            return false;
        }

        // §4.1: names compare case-insensitively, and a trailing dot does not change the name.
        var host = WithoutTrailingDot(mxHost);
        var expected = WithoutTrailingDot(pattern);
        if (!expected.StartsWith("*.", StringComparison.Ordinal))
        {
            return host.Equals(expected, StringComparison.OrdinalIgnoreCase);
        }

        // "*.example.com" stands for exactly one extra leftmost label: a.example.com, not
        // example.com and not a.b.example.com.
        var suffix = expected[1..];
        if (host.Length <= suffix.Length || !host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return !host[..^suffix.Length].Contains('.');
    }

    private static ReadOnlySpan<char> WithoutTrailingDot(string name) =>
        name.EndsWith('.') ? name.AsSpan(0, name.Length - 1) : name.AsSpan();

    private static string Normalise(ReadOnlySpan<char> name, string? source, bool hasUpperCase)
    {
        if (!hasUpperCase && source is not null && source.Length == name.Length)
        {
            return source;
        }

        return hasUpperCase
            ? string.Create(name.Length, name, static (span, from) => from.ToLowerInvariant(span))
            : new string(name);
    }

    /// <summary>Why <paramref name="value"/> is not a valid mx value, or null when it is.</summary>
    private static string? FindError(ReadOnlySpan<char> value, ReadOnlySpan<char> name, out bool hasUpperCase)
    {
        hasUpperCase = false;
        if (value.IsEmpty)
        {
            return "mx value is empty";
        }

        if (!Ascii.IsValid(value))
        {
            return Describe(value) + " is not in A-label form (it has non-ASCII characters); "
                + "publish the xn-- form of the name (RFC 8461 §3.2)";
        }

        // Catch addresses before the label rules do, to say what is wrong in words an admin expects.
        if (value[0] == '[' || (MayBeAddress(name) && IPAddress.TryParse(name, out _)))
        {
            return Describe(value) + " is an IP address; mx values must be host names (RFC 8461 §3.2)";
        }

        var isWildcard = name.StartsWith("*.", StringComparison.Ordinal);
        var domain = isWildcard ? name[2..] : name;
        if (isWildcard && domain.IsEmpty)
        {
            return Describe(value) + " has no domain after '*.'";
        }

        // Counted with any "*.": the shortest host a wildcard matches is just as long.
        if (name.Length > MaxNameLength)
        {
            return Describe(value) + $" is longer than {MaxNameLength} characters";
        }

        return FindLabelsError(value, domain, out hasUpperCase);
    }

    private static string? FindLabelsError(ReadOnlySpan<char> value, ReadOnlySpan<char> domain, out bool hasUpperCase)
    {
        hasUpperCase = false;
        var labelCount = 0;
        var lastLabelIsNumeric = false;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            var error = FindLabelError(label, ref hasUpperCase);
            if (error is not null)
            {
                return Describe(value) + ": " + error;
            }

            labelCount++;
            lastLabelIsNumeric = !label.ContainsAnyExceptInRange('0', '9');
        }

        if (lastLabelIsNumeric)
        {
            return Describe(value) + " ends in an all-numeric label, which no top-level domain is "
                + "(RFC 3696 §2); mx values must be host names (RFC 8461 §3.2)";
        }

        return labelCount < 2
            ? Describe(value) + " is a single label; write the fully qualified host name, e.g. mail.example.com"
            : null;
    }

    /// <summary>LDH rule (RFC 1123 §2.1, RFC 5890 §2.3.1): letters, digits, inner hyphens, 1–63 long.</summary>
    private static string? FindLabelError(ReadOnlySpan<char> label, ref bool hasUpperCase)
    {
        if (label.IsEmpty)
        {
            return "it has an empty label (two dots in a row, or a leading dot)";
        }

        foreach (var c in label)
        {
            if (c == '*')
            {
                return "'*' is allowed only as the whole first label, as in *.example.com";
            }

            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return $"label '{ErrorText.Quote(label)}' contains '{Printable(c)}'; host names allow only letters, digits and hyphens";
            }

            hasUpperCase |= char.IsAsciiLetterUpper(c);
        }

        if (label[0] == '-' || label[^1] == '-')
        {
            return $"label '{label}' starts or ends with a hyphen";
        }

        return label.Length > MaxLabelLength
            ? $"label '{label}' is longer than {MaxLabelLength} characters"
            : null;
    }

    /// <summary>IPv6 has ':' and IPv4 ends in a digit; other names skip the costlier address parse.</summary>
    private static bool MayBeAddress(ReadOnlySpan<char> name) =>
        !name.IsEmpty && (char.IsAsciiDigit(name[^1]) || name.Contains(':'));

    /// <summary>Quotes an offending mx value for an error message.</summary>
    internal static string Describe(ReadOnlySpan<char> value) => "mx value '" + ErrorText.Quote(value) + "'";

    private static char Printable(char c) => char.IsControl(c) ? '?' : c;
}
