using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace MtaStsRelay.Diagnostics;

/// <summary>
/// Collects the measurements of the instruments it is told to include, through its own
/// <see cref="MeterListener"/>, and renders them in the Prometheus text format on each scrape:
/// counters as <c>counter</c>, gauges and up-down counters as <c>gauge</c>, histograms with
/// cumulative <c>_bucket</c> series (bounds from the instrument's advice), <c>_sum</c> and
/// <c>_count</c>. Observable instruments are read at scrape time.
/// </summary>
/// <remarks>
/// Written here rather than taken from a package: the OpenTelemetry Prometheus exporters are
/// prerelease only, and prometheus-net has its own metric API besides System.Diagnostics.Metrics.
/// Values start when the exporter starts (it cannot see what was measured before), which
/// Prometheus handles as a counter reset.
/// </remarks>
internal sealed class PrometheusExporter : IDisposable
{
    // OpenTelemetry's default bounds, for a histogram that gives no advice.
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly List<MetricFamily> _observed = [];
    private readonly Lock _gate = new();

    /// <summary>Starts listening to every instrument, present and future, for which <paramref name="include"/> is true.</summary>
    public PrometheusExporter(Func<Instrument, bool> include)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (include(instrument) && Bind(instrument) is { } binding)
            {
                listener.EnableMeasurementEvents(instrument, binding);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Binding)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Binding)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((Binding)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((Binding)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Binding)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((Binding)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((Binding)state!).Measure((double)value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and returns every family, sorted by name.</summary>
    public string Scrape()
    {
        lock (_gate)
        {
            foreach (var family in _observed)
            {
                family.Clear(); // a label set the callback no longer reports is gone
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.WriteTo(text);
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private Binding? Bind(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        var definition = instrument.GetType().GetGenericTypeDefinition();
        var (kind, mode) = definition switch
        {
            _ when definition == typeof(Counter<>) => (MetricKind.Counter, Mode.Add),
            _ when definition == typeof(ObservableCounter<>) => (MetricKind.Counter, Mode.Set),
            _ when definition == typeof(UpDownCounter<>) => (MetricKind.Gauge, Mode.Add),
            _ when definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>) => (MetricKind.Gauge, Mode.Set),
            _ when definition == typeof(Histogram<>) => (MetricKind.Histogram, Mode.Record),
            _ => (MetricKind.Gauge, (Mode?)null),
        };
        if (mode is null)
        {
            return null;
        }

        var name = PrometheusText.MetricName(instrument.Name, instrument.Unit, kind);
        lock (_gate)
        {
            if (!_families.TryGetValue(name, out var family))
            {
                // Two instruments of one name (two meters from one factory) share a family.
                family = new MetricFamily(name, kind, instrument.Description, kind == MetricKind.Histogram ? BoundsOf(instrument) : []);
                _families.Add(name, family);
            }

            if (instrument.IsObservable && !_observed.Contains(family))
            {
                _observed.Add(family);
            }

            return family.Kind == kind ? new Binding(family, mode.Value) : null;
        }
    }

    private static double[] BoundsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        Histogram<float> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        Histogram<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        _ => DefaultBounds,
    };

    private enum Mode
    {
        Add,
        Set,
        Record,
    }

    /// <summary>Where one instrument's measurements go, and how they combine.</summary>
    private sealed class Binding(MetricFamily family, Mode mode)
    {
        public void Measure(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            switch (mode)
            {
                case Mode.Add:
                    family.Add(labels, value);
                    break;
                case Mode.Set:
                    family.Set(labels, value);
                    break;
                default:
                    family.Record(labels, value);
                    break;
            }
        }

        /// <summary>The label set as text, sorted by name: <c>a="1",b="x\"y"</c>.</summary>
        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return "";
            }

            var sorted = tags.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var text = new StringBuilder();
            foreach (var (key, value) in sorted)
            {
                text.Append(text.Length == 0 ? "" : ",").Append(PrometheusText.LabelName(key)).Append("=\"");
                PrometheusText.AppendLabelValue(text, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                text.Append('"');
            }

            return text.ToString();
        }
    }
}
