using MtaStsRelay.Queue;

namespace MtaStsRelay.Control;

/// <summary>
/// Whoever has the queued messages in hand, as operator actions see it: the running relay's
/// delivery worker (a message is scheduled, in flight, or handed to the operator) or, with the relay
/// stopped, the spool itself under the spool lock. An action changes a message only after taking it,
/// so a message is never delivered and deleted or bounced at the same time.
/// </summary>
internal interface IMessageCustodian
{
    /// <summary>True for the running relay; false when the command works on the spool itself.</summary>
    bool IsRelayRunning { get; }

    /// <summary>
    /// Takes <paramref name="queueId"/> out of delivery. While an attempt runs, waits for it to end
    /// until <paramref name="deadline"/>. A taken message must be completed in the spool or given back.
    /// </summary>
    Task<Custody> TakeAsync(string queueId, DateTimeOffset deadline, CancellationToken cancellationToken);

    /// <summary>Returns a taken message to delivery unchanged (an action failed half-way).</summary>
    void GiveBack(Envelope envelope);

    /// <summary>Makes <paramref name="queueId"/> due now.</summary>
    Task<RetryOutcome> RetryNowAsync(string queueId);

    /// <summary>Makes every queued message due now; returns how many were brought forward and how many are in flight.</summary>
    Task<(int Rescheduled, int InFlight)> RetryAllNowAsync();
}

/// <summary>What <see cref="IMessageCustodian.TakeAsync"/> got.</summary>
internal enum CustodyStatus
{
    /// <summary>The message is the caller's now.</summary>
    Taken,

    /// <summary>No such message in the queue.</summary>
    NotFound,

    /// <summary>An attempt was still running at the deadline; nothing was taken.</summary>
    Busy,

    /// <summary>The attempt that was running finished the message (delivered or bounced) meanwhile.</summary>
    Finished,
}

/// <summary>The outcome of a take: the status and, when taken, the message.</summary>
internal readonly record struct Custody(CustodyStatus Status, Envelope? Envelope = null)
{
    public static Custody Taken(Envelope envelope) => new(CustodyStatus.Taken, envelope);
}

/// <summary>What a retry did.</summary>
internal enum RetryOutcome
{
    /// <summary>Due now.</summary>
    Rescheduled,

    /// <summary>An attempt is running right now (or the relay is about to start one); nothing to bring forward.</summary>
    InFlight,

    /// <summary>No such message in the queue.</summary>
    NotFound,
}
