using System.Collections.Concurrent;
using System.Text;

namespace MtaStsRelay.Diagnostics;

/// <summary>What a family is in the exposition format.</summary>
internal enum MetricKind
{
    /// <summary>Monotonic: Counter and ObservableCounter.</summary>
    Counter,

    /// <summary>Goes up and down: gauges and up-down counters.</summary>
    Gauge,

    /// <summary>Bucketed: Histogram.</summary>
    Histogram,
}

/// <summary>
/// One metric family's running values: one series per distinct label set, keyed by its rendered
/// label text (<c>reason="relay-denied"</c>), which also gives the output a stable order.
/// </summary>
internal sealed class MetricFamily(string name, MetricKind kind, string? help, double[] bounds)
{
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public MetricKind Kind { get; } = kind;

    /// <summary>Adds to a counter or up-down counter.</summary>
    public void Add(string labels, double value)
    {
        var series = SeriesFor(labels);
        lock (series)
        {
            series.Value += value;
        }
    }

    /// <summary>Replaces the value: gauges, and observable counters (which report their total).</summary>
    public void Set(string labels, double value)
    {
        var series = SeriesFor(labels);
        lock (series)
        {
            series.Value = value;
        }
    }

    /// <summary>Counts a histogram measurement in the first bucket whose upper bound (inclusive) holds it.</summary>
    public void Record(string labels, double value)
    {
        var series = SeriesFor(labels);
        var bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket])
        {
            bucket++;
        }

        lock (series)
        {
            series.Buckets[bucket]++;
            series.Value += value;
            series.Count++;
        }
    }

    /// <summary>Forgets every series; observed families start empty before each collection.</summary>
    public void Clear() => _series.Clear();

    /// <summary>Writes the HELP and TYPE lines and every series.</summary>
    public void WriteTo(StringBuilder text)
    {
        if (!string.IsNullOrEmpty(help))
        {
            text.Append("# HELP ").Append(Name).Append(' ').Append(PrometheusText.EscapeHelp(help)).Append('\n');
        }

        text.Append("# TYPE ").Append(Name).Append(' ').Append(Kind.ToString().ToLowerInvariant()).Append('\n');
        foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            lock (series)
            {
                if (Kind == MetricKind.Histogram)
                {
                    WriteHistogram(text, labels, series);
                }
                else
                {
                    Sample(text, Name, labels, series.Value);
                }
            }
        }
    }

    private void WriteHistogram(StringBuilder text, string labels, Series series)
    {
        var separator = labels.Length == 0 ? "" : ",";
        long cumulative = 0;
        for (var i = 0; i <= bounds.Length; i++)
        {
            cumulative += series.Buckets[i];
            var le = i < bounds.Length ? PrometheusText.Number(bounds[i]) : "+Inf";
            Sample(text, Name + "_bucket", $"{labels}{separator}le=\"{le}\"", cumulative);
        }

        Sample(text, Name + "_sum", labels, series.Value);
        Sample(text, Name + "_count", labels, series.Count);
    }

    private static void Sample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(PrometheusText.Number(value)).Append('\n');
    }

    private Series SeriesFor(string labels) => _series.GetOrAdd(labels, static (_, size) => new Series(size), bounds.Length + 1);

    /// <summary>A counter's or gauge's value, or a histogram's sum, count and bucket counts (not cumulative).</summary>
    private sealed class Series(int buckets)
    {
        public double Value;
        public long Count;
        public readonly long[] Buckets = new long[buckets];
    }
}
