using System.Globalization;
using System.Text;

namespace SimulatedInternet.DnsWire;

/// <summary>
/// Domain names as the zone keys them: ASCII lower case without the trailing dot, U-labels converted
/// to A-labels (DnsClient sends <c>xn--</c> names). Comparison is case-insensitive (RFC 4343).
/// </summary>
internal static class DnsName
{
    private const int MaxNameLength = 255;
    private const int MaxLabelLength = 63;
    private static readonly IdnMapping Idn = new();

    /// <summary>Normalises a name given by a test (may contain U-labels).</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim().TrimEnd('.');
        if (trimmed.Any(c => c > 127))
        {
            trimmed = Idn.GetAscii(trimmed);
        }

        var normalized = AsciiLower(trimmed);
        Validate(normalized);
        return normalized;
    }

    /// <summary>Lower-cases ASCII letters only, so names read off the wire keep their other bytes.</summary>
    public static string AsciiLower(string name) =>
        string.Create(name.Length, name, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
            }
        });

    /// <summary>Writes a name uncompressed, as length-prefixed labels ending with the root label.</summary>
    public static void Write(DnsMessageWriter writer, string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.Latin1.GetBytes(label);
            writer.WriteByte((byte)Math.Min(bytes.Length, MaxLabelLength));
            writer.WriteBytes(bytes.AsSpan(0, Math.Min(bytes.Length, MaxLabelLength)));
        }

        writer.WriteByte(0);
    }

    /// <summary>The uncompressed wire form of a zone name (for RDATA such as CNAME and MX targets).</summary>
    public static byte[] Encode(string name)
    {
        var writer = new DnsMessageWriter();
        Write(writer, Normalize(name));
        return writer.ToArray();
    }

    private static void Validate(string name)
    {
        if (name.Length + 2 > MaxNameLength)
        {
            throw new ArgumentException($"DNS name '{name}' is longer than 255 octets.", nameof(name));
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > MaxLabelLength && name.Length > 0)
            {
                throw new ArgumentException($"DNS name '{name}' has an empty label or one longer than 63 octets.", nameof(name));
            }
        }
    }
}
