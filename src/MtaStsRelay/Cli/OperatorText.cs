using System.Globalization;
using System.Text;

namespace MtaStsRelay.Cli;

/// <summary>How the operator commands write times, ages and untrusted text.</summary>
internal static class OperatorText
{
    /// <summary>A UTC time as <c>2026-11-28 12:00:00Z</c>.</summary>
    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A duration in its two largest units: <c>45s</c>, <c>12m</c>, <c>1h05m</c>, <c>2d03h</c>.</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalDays >= 1 ? $"{(int)age.TotalDays}d{age.Hours:00}h"
            : age.TotalHours >= 1 ? $"{(int)age.TotalHours}h{age.Minutes:00}m"
            : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes}m"
            : $"{(int)age.TotalSeconds}s";
    }

    /// <summary>
    /// Text from mail (headers, remote replies) made safe for a terminal: control characters, which
    /// could carry escape sequences, are shown as <c>\xNN</c>; tabs stay.
    /// </summary>
    public static string Printable(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c != '\t'))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) && c != '\t' ? $"\\x{(int)c:X2}" : c);
        }

        return builder.ToString();
    }
}
