using System.Globalization;
using System.Text;

namespace MtaStsRelay.Listener;

/// <summary>
/// Client-supplied text (addresses, AUTH user names, reply text echoing them) made safe for a log
/// line: at most <see cref="MaxLength"/> characters, so one command cannot write kilobytes into the
/// journal, and control characters escaped, so a CR or LF cannot forge a second line.
/// </summary>
internal static class LogText
{
    /// <summary>RFC 5321 §4.5.3.1.3's longest path; anything longer is an attack or a mistake.</summary>
    public const int MaxLength = 256;

    /// <summary>The text as it may be logged; null gives "".</summary>
    public static string Bounded(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var cut = text.Length > MaxLength;
        var shown = cut ? text.AsSpan(0, MaxLength) : text.AsSpan();
        if (!cut && !NeedsEscaping(shown))
        {
            return text;
        }

        var builder = new StringBuilder(shown.Length + 32);
        foreach (var c in shown)
        {
            if (IsUnsafe(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        if (cut)
        {
            builder.Append(CultureInfo.InvariantCulture, $"...({text.Length} chars)");
        }

        return builder.ToString();
    }

    private static bool NeedsEscaping(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>C0 and C1 controls, DEL, and the Unicode line and paragraph separators.</summary>
    private static bool IsUnsafe(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
