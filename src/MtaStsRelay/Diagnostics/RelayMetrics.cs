using System.Diagnostics.Metrics;
using MtaSts.Failures;
using MtaStsRelay.Delivery;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Diagnostics;

/// <summary>
/// The relay's instruments, on the meter <see cref="MeterName"/>: what the listener accepted and
/// refused, every delivery attempt with its result and RFC 8460 failure type, how long attempts and
/// deliveries take, and the queue's size and oldest message. Counted at the sites that write the
/// matching log lines, so metrics and logs agree. docs/metrics.md lists every instrument.
/// </summary>
public sealed class RelayMetrics
{
    /// <summary>The name of the meter.</summary>
    public const string MeterName = "MtaStsRelay";

    // Attempts last from milliseconds (a refusal) to the 10-minute attempt timeout.
    private static readonly double[] AttemptBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    // Deliveries take seconds when all is well and up to the 5-day queue lifetime when it is not.
    private static readonly double[] LatencyBuckets = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 14400, 43200, 86400, 172800, 432000];

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _time;

    /// <summary>Creates the instruments on <paramref name="meterFactory"/>'s meter; the queue gauges read <paramref name="spool"/>.</summary>
    public RelayMetrics(IMeterFactory meterFactory, Spool spool, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(spool);
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _accepted = meter.CreateCounter<long>("mtasts.relay.messages.accepted", "{message}",
            "Messages accepted by the listener and spooled (answered 250)");
        _refused = meter.CreateCounter<long>("mtasts.relay.messages.refused", "{refusal}",
            "Refusals by the listener, by reason (one per refused connection, command or message)");
        _attempts = meter.CreateCounter<long>("mtasts.relay.delivery.attempts", "{attempt}",
            "Delivery attempts per recipient domain, by result and RFC 8460 failure type");
        _attemptDuration = meter.CreateHistogram("mtasts.relay.delivery.attempt.duration", "s",
            "Duration of one delivery attempt to one recipient domain, by result", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = AttemptBuckets });
        _latency = meter.CreateHistogram("mtasts.relay.delivery.latency", "s",
            "Time from arrival at the relay to acceptance by the recipient's MX, per delivered recipient", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        meter.CreateObservableGauge("mtasts.relay.queue.messages", () => (long)spool.Census.Count, "{message}",
            "Messages in the queue (spooled, not yet delivered or bounced)");
        meter.CreateObservableGauge("mtasts.relay.queue.oldest_age", () => OldestAge(spool.Census.Snapshot().OldestArrival, time).TotalSeconds, "s",
            "Age of the oldest message in the queue (0 when empty)");
    }

    /// <summary>How long the oldest queued message (arrived at <paramref name="oldestArrival"/>) has waited; zero for an empty queue.</summary>
    public static TimeSpan OldestAge(DateTimeOffset? oldestArrival, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return oldestArrival is { } oldest ? Max(time.GetUtcNow() - oldest, TimeSpan.Zero) : TimeSpan.Zero;
    }

    /// <summary>
    /// Makes the unlabelled counter visible at 0 to a listener that just started, so Prometheus
    /// sees the series from the first scrape and <c>increase()</c> counts the first message.
    /// </summary>
    public void Announce() => _accepted.Add(0);

    /// <summary>A message was spooled and answered 250 (listener event 1100).</summary>
    public void Accepted() => _accepted.Add(1);

    /// <summary>The listener refused something, for one of the <see cref="RefusalReason"/> reasons.</summary>
    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>
    /// One attempt to one domain ended (delivery event 3000): counts it, times it, and records the
    /// arrival-to-delivery latency of each recipient it delivered.
    /// </summary>
    public void Attempted(DeliveryAttempt attempt, DateTimeOffset arrivedAt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var result = new KeyValuePair<string, object?>("result", attempt.Result.ToString().ToLowerInvariant());
        if (attempt.Failure is { } failure)
        {
            _attempts.Add(1, result, new KeyValuePair<string, object?>("failure_type", failure.Type.ToResultType()));
        }
        else
        {
            _attempts.Add(1, result);
        }

        _attemptDuration.Record(attempt.Duration.TotalSeconds, result);
        var latency = Max(_time.GetUtcNow() - arrivedAt, TimeSpan.Zero).TotalSeconds;
        foreach (var recipient in attempt.Recipients)
        {
            if (recipient.Outcome == RecipientOutcomeKind.Delivered)
            {
                _latency.Record(latency);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
