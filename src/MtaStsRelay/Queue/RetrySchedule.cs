using Microsoft.Extensions.Options;

namespace MtaStsRelay.Queue;

/// <summary>
/// When to try a deferred message again, when to give up, and when to send the delay notice.
/// Pure arithmetic on the envelope and a given "now", so it is tested with a fake clock.
/// </summary>
public sealed class RetrySchedule
{
    private readonly QueueOptions options;

    /// <summary>Uses the bound <see cref="QueueOptions"/>.</summary>
    public RetrySchedule(IOptions<QueueOptions> options)
    {
        this.options = options.Value;
        QueueOptions.ApplyDefaults(this.options);
    }

    /// <summary>
    /// The time of the next attempt after <see cref="Envelope.Attempts"/> failed ones (no attempt
    /// yet: now), or null when that would fall after the end of the queue lifetime: the message
    /// has expired and its pending recipients bounce.
    /// </summary>
    public DateTimeOffset? NextAttempt(Envelope envelope, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var next = envelope.Attempts <= 0 ? now : now + Delay(envelope.Attempts);
        return next > ExpiresAt(envelope) ? null : next;
    }

    /// <summary>When the message's queue lifetime ends.</summary>
    public DateTimeOffset ExpiresAt(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.ArrivedAt + options.Lifetime;
    }

    /// <summary>
    /// True when the sender should now be told the message is delayed: notices are on, none was
    /// sent yet, the notice delay has passed, something is still pending, and the sender is not
    /// the null sender (RFC 5321 §4.5.5: no notifications to &lt;&gt;).
    /// </summary>
    public bool IsDelayNoticeDue(Envelope envelope, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return options.DelayNotice is { } delay
            && delay > TimeSpan.Zero
            && !envelope.DelayNoticeSent
            && envelope.Sender.Length > 0
            && envelope.HasPendingRecipients
            && now >= envelope.ArrivedAt + delay;
    }

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failure; the last entry repeats.</summary>
    public TimeSpan Delay(int failedAttempts)
    {
        var schedule = options.RetrySchedule;
        return schedule[Math.Clamp(failedAttempts - 1, 0, schedule.Count - 1)];
    }
}
