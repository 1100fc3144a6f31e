namespace MtaStsRelay.Queue;

/// <summary>How long and how often delivery is retried. Bound from <c>Relay:Queue</c>.</summary>
public sealed class QueueOptions
{
    /// <summary>The configuration section this class is bound from.</summary>
    public const string SectionName = "Relay:Queue";

    /// <summary>
    /// The default retry schedule: 5m, 10m, 20m, 40m, 1h, and then every hour. Doubling like
    /// Postfix's backoff, capped so a long outage is still retried often enough.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule =
    [
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(20),
        TimeSpan.FromMinutes(40),
        TimeSpan.FromHours(1),
    ];

    /// <summary>
    /// The wait after the 1st, 2nd, … failed attempt; the last entry repeats. Empty means
    /// <see cref="DefaultRetrySchedule"/> (the configuration binder appends to a pre-filled list,
    /// so the default is applied after binding instead).
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>How long a message is retried before it bounces (Postfix's maximal_queue_lifetime is 5 days too).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(5);

    /// <summary>
    /// When to tell the sender that a message is still not delivered (RFC 3464 "delayed" DSN);
    /// null or zero turns the notice off.
    /// </summary>
    public TimeSpan? DelayNotice { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Fills in the defaults that cannot be set as initial values (see <see cref="RetrySchedule"/>).</summary>
    internal static void ApplyDefaults(QueueOptions options)
    {
        if (options.RetrySchedule.Count == 0)
        {
            options.RetrySchedule = [.. DefaultRetrySchedule];
        }
    }
}
