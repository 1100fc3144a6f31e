using MtaStsRelay.Queue;

namespace MtaStsRelay.Control;

/// <summary>
/// The custodian while the relay is stopped: the command holds the spool lock, so nothing else
/// reads or writes the spool, and the files are the whole truth. A retry here only moves the next
/// attempt to now; the relay delivers the message as soon as it starts.
/// </summary>
internal sealed class SpoolCustodian(Spool spool, TimeProvider time) : IMessageCustodian
{
    public bool IsRelayRunning => false;

    public async Task<Custody> TakeAsync(string queueId, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        await spool.FindAsync(queueId) is { } envelope ? Custody.Taken(envelope) : new Custody(CustodyStatus.NotFound);

    public void GiveBack(Envelope envelope)
    {
        // The files were not changed; nothing holds the message in memory.
    }

    public async Task<RetryOutcome> RetryNowAsync(string queueId)
    {
        if (await spool.FindAsync(queueId) is not { } envelope)
        {
            return RetryOutcome.NotFound;
        }

        await BringForwardAsync(envelope);
        return RetryOutcome.Rescheduled;
    }

    public async Task<(int Rescheduled, int InFlight)> RetryAllNowAsync()
    {
        var all = await spool.ListAsync();
        foreach (var envelope in all)
        {
            await BringForwardAsync(envelope);
        }

        return (all.Count, 0);
    }

    private async Task BringForwardAsync(Envelope envelope)
    {
        var now = time.GetUtcNow();
        if (envelope.NextAttemptAt > now)
        {
            envelope.NextAttemptAt = now;
            await spool.UpdateAsync(envelope);
        }
    }
}
