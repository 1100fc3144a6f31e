using System.Diagnostics.Metrics;
using MtaStsRelay.Diagnostics;

namespace MtaStsRelay.Tests.Diagnostics;

/// <summary>The exporter's text against fixed expectations: the format is a contract with Prometheus.</summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly Meter _meter = new("test.exporter." + Guid.NewGuid().ToString("N"));

    public void Dispose() => _meter.Dispose();

    private PrometheusExporter NewExporter() => new(instrument => instrument.Meter == _meter);

    [Fact]
    public void Scrape_CounterGaugeHistogram_MatchesExpectedText()
    {
        using var exporter = NewExporter();
        var refused = _meter.CreateCounter<long>("relay.messages.refused", "{refusal}", "Refusals, by reason");
        refused.Add(2, new KeyValuePair<string, object?>("reason", "relay-denied"));
        refused.Add(1, new KeyValuePair<string, object?>("reason", "say \"hi\"\\ \nnow"));
        _meter.CreateObservableGauge("relay.queue.oldest_age", () => 12.5, "s", "Age of the oldest\nmessage \\ \"quoted\"");
        var duration = _meter.CreateHistogram("relay.attempt.duration", "s", "Attempt duration", null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 5] });
        foreach (var seconds in new[] { 0.5, 3, 10 })
        {
            duration.Record(seconds, new KeyValuePair<string, object?>("result", "sent"));
        }

        var expected = """
            # HELP relay_attempt_duration_seconds Attempt duration
            # TYPE relay_attempt_duration_seconds histogram
            relay_attempt_duration_seconds_bucket{result="sent",le="0.5"} 1
            relay_attempt_duration_seconds_bucket{result="sent",le="1"} 1
            relay_attempt_duration_seconds_bucket{result="sent",le="5"} 2
            relay_attempt_duration_seconds_bucket{result="sent",le="+Inf"} 3
            relay_attempt_duration_seconds_sum{result="sent"} 13.5
            relay_attempt_duration_seconds_count{result="sent"} 3
            # HELP relay_messages_refused_total Refusals, by reason
            # TYPE relay_messages_refused_total counter
            relay_messages_refused_total{reason="relay-denied"} 2
            relay_messages_refused_total{reason="say \"hi\"\\ \nnow"} 1
            # HELP relay_queue_oldest_age_seconds Age of the oldest\nmessage \\ "quoted"
            # TYPE relay_queue_oldest_age_seconds gauge
            relay_queue_oldest_age_seconds 12.5

            """.ReplaceLineEndings("\n");
        Assert.Equal(expected, exporter.Scrape());
    }

    [Fact]
    public void Scrape_SeveralLabels_SortedByNameAndSanitized()
    {
        using var exporter = NewExporter();
        var attempts = _meter.CreateCounter<long>("relay.delivery.attempts");
        attempts.Add(1, new KeyValuePair<string, object?>("result", "deferred"), new KeyValuePair<string, object?>("failure.type", "starttls-not-supported"));
        attempts.Add(1, new KeyValuePair<string, object?>("failure.type", "starttls-not-supported"), new KeyValuePair<string, object?>("result", "deferred"));

        Assert.Equal("""
            # TYPE relay_delivery_attempts_total counter
            relay_delivery_attempts_total{failure_type="starttls-not-supported",result="deferred"} 2

            """.ReplaceLineEndings("\n"), exporter.Scrape());
    }

    [Fact]
    public void Scrape_UpDownCounterAndEmptyInstrument_GaugeAndTypeLineOnly()
    {
        using var exporter = NewExporter();
        var sessions = _meter.CreateUpDownCounter<int>("relay.sessions");
        sessions.Add(3);
        sessions.Add(-1);
        _meter.CreateCounter<long>("relay.never", "By", "Never counted");

        Assert.Equal("""
            # HELP relay_never_bytes_total Never counted
            # TYPE relay_never_bytes_total counter
            # TYPE relay_sessions gauge
            relay_sessions 2

            """.ReplaceLineEndings("\n"), exporter.Scrape());
    }

    [Fact]
    public void Scrape_ObservedLabelSetGone_SeriesDropped()
    {
        using var exporter = NewExporter();
        var domains = new List<string> { "a.test", "b.test" };
        _meter.CreateObservableGauge("relay.pending", () => domains.Select(d => new Measurement<long>(1, new KeyValuePair<string, object?>("domain", d))).ToList());

        Assert.Contains("domain=\"b.test\"", exporter.Scrape(), StringComparison.Ordinal);
        domains.Remove("b.test");
        var text = exporter.Scrape();

        Assert.Contains("relay_pending{domain=\"a.test\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("b.test", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_InstrumentOfAnotherMeter_NotExported()
    {
        using var other = new Meter("test.exporter.other." + Guid.NewGuid().ToString("N"));
        using var exporter = NewExporter();
        other.CreateCounter<long>("relay.elsewhere").Add(1);
        _meter.CreateCounter<long>("relay.here").Add(1);

        var text = exporter.Scrape();

        Assert.Contains("relay_here_total 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mtasts.relay.messages.accepted", "{message}", "Counter", "mtasts_relay_messages_accepted_total")]
    [InlineData("mtasts.relay.delivery.latency", "s", "Histogram", "mtasts_relay_delivery_latency_seconds")]
    [InlineData("mtasts.relay.queue.oldest_age", "s", "Gauge", "mtasts_relay_queue_oldest_age_seconds")]
    [InlineData("requests_total", null, "Counter", "requests_total")]
    [InlineData("size_bytes", "By", "Gauge", "size_bytes")]
    [InlineData("9lives-left", "1", "Gauge", "_9lives_left")]
    public void MetricName_OpenTelemetryName_PrometheusName(string instrument, string? unit, string kind, string expected) =>
        Assert.Equal(expected, PrometheusText.MetricName(instrument, unit, Enum.Parse<MetricKind>(kind)));

    [Theory]
    [InlineData(3.0, "3")]
    [InlineData(0.25, "0.25")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Number_Value_ExpositionForm(double value, string expected) => Assert.Equal(expected, PrometheusText.Number(value));
}
