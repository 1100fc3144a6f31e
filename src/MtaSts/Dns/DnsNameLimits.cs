namespace MtaSts.Dns;

/// <summary>
/// The size limits of a DNS name (RFC 1035 §2.3.4, §3.1): labels of 1–63 octets and at most 255
/// octets on the wire, i.e. 253 characters written without the trailing dot. A recipient domain may
/// be valid while a name built from it is not: <c>_mta-sts.</c> (9), <c>mta-sts.</c> (8) or
/// <c>_smtp._tls.</c> (11) in front of a 245–253 character domain. Such a name cannot exist, so it
/// is answered as "no such name" without asking DNS (DnsClient throws ArgumentException for it).
/// </summary>
public static class DnsNameLimits
{
    /// <summary>The longest name in text form, without the trailing dot (255 wire octets).</summary>
    public const int MaxNameLength = 253;

    /// <summary>The longest label.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>
    /// Null when <paramref name="name"/> fits in DNS; otherwise why it cannot exist, in words an
    /// admin can act on. One trailing dot is ignored.
    /// </summary>
    public static string? WhyCannotExist(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = name.EndsWith('.') ? name[..^1] : name;
        if (text.Length > MaxNameLength)
        {
            return $"{text} is {text.Length} characters long; a DNS name has at most {MaxNameLength}, so it cannot exist (RFC 1035 §3.1)";
        }

        var longest = text.Split('.').MaxBy(label => label.Length) ?? "";
        if (longest.Length > MaxLabelLength)
        {
            return $"{text} has a label of {longest.Length} characters; a DNS label has at most {MaxLabelLength}, so it cannot exist (RFC 1035 §2.3.4)";
        }

        return text.Split('.').Any(label => label.Length == 0)
            ? $"{text} has an empty label, so it cannot exist in DNS"
            : null;
    }
}
