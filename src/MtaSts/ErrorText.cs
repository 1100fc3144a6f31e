namespace MtaSts;

/// <summary>Quotes text from DNS or a policy body inside an error message, safely for a log line.</summary>
internal static class ErrorText
{
    private const int MaxShown = 80;

    /// <summary>The text cut to 80 characters (marked "...") with control characters shown as '?'.</summary>
    public static string Quote(ReadOnlySpan<char> text)
    {
        var shown = text.Length > MaxShown ? text[..MaxShown] : text;
        var result = string.Create(shown.Length, shown, static (span, from) =>
        {
            for (var i = 0; i < from.Length; i++)
            {
                span[i] = char.IsControl(from[i]) ? '?' : from[i];
            }
        });
        return text.Length > MaxShown ? result + "..." : result;
    }
}
