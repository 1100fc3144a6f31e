using System.Globalization;
using System.Text;

namespace MtaStsRelay.Diagnostics;

/// <summary>
/// The rules of the Prometheus text exposition format (version 0.0.4) that the exporter needs:
/// metric and label names, escaping, and numbers. Instrument names follow the OpenTelemetry
/// conventions (<c>mtasts.relay.delivery.attempts</c>, unit <c>s</c>) and are translated the way
/// OpenTelemetry's Prometheus exporters do: dots become underscores, the unit becomes a suffix
/// (<c>_seconds</c>), and counters end in <c>_total</c>.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The Content-Type of a scrape response.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The family name of an instrument: sanitized, with its unit and (for counters) <c>_total</c> appended.</summary>
    public static string MetricName(string instrumentName, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        if (UnitSuffix(unit) is { } suffix && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        return kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    /// <summary>A label name: letters, digits and underscores, not starting with a digit.</summary>
    public static string LabelName(string tagName) => Sanitize(tagName, allowColon: false);

    /// <summary>A label value inside double quotes: backslash, double quote and line feed escaped.</summary>
    public static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
    }

    /// <summary>HELP text: backslash and line feed escaped (double quotes stay as they are).</summary>
    public static string EscapeHelp(string help) => help.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>A sample value or bucket bound: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>The name suffix for a UCUM unit; none for annotations like <c>{message}</c> and for <c>1</c>.</summary>
    private static string? UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        _ when unit.StartsWith('{') => null,
        _ => Sanitize(unit, allowColon: false),
    };

    private static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            text.Append('_');
        }

        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return text.ToString();
    }
}
