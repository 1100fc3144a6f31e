using System.Diagnostics.CodeAnalysis;

namespace MtaStsRelay.Listener;

/// <summary>
/// The session slots: <c>Relay:Limits:MaxSessions</c> in all, of which clients outside
/// <c>Relay:AllowedNetworks</c> (who may only relay after AUTH) may hold at most half. So strangers
/// knocking at the port cannot take every slot and lock out the servers the relay exists for.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim needs disposing only when its AvailableWaitHandle is used, and it is not.")]
internal sealed class SessionSlots
{
    private readonly SemaphoreSlim all;
    private readonly SemaphoreSlim outsiders;

    public SessionSlots(int maxSessions)
    {
        Max = maxSessions;
        OutsiderMax = Math.Max(1, maxSessions / 2);
        all = new SemaphoreSlim(Max, Max);
        outsiders = new SemaphoreSlim(OutsiderMax, OutsiderMax);
    }

    /// <summary>Relay:Limits:MaxSessions.</summary>
    public int Max { get; }

    /// <summary>The share of <see cref="Max"/> open to clients outside the allowed networks.</summary>
    public int OutsiderMax { get; }

    /// <summary>
    /// Takes a slot, or returns null with <paramref name="outsiderShareFull"/> telling whether the
    /// outsiders' share or the total was the limit. Dispose the slot to free it.
    /// </summary>
    public IDisposable? TryTake(bool outsider, out bool outsiderShareFull)
    {
        outsiderShareFull = false;
        if (outsider && !outsiders.Wait(0, CancellationToken.None))
        {
            outsiderShareFull = true;
            return null;
        }

        if (!all.Wait(0, CancellationToken.None))
        {
            if (outsider)
            {
                outsiders.Release();
            }

            return null;
        }

        return new Slot(this, outsider);
    }

    private sealed class Slot(SessionSlots slots, bool outsider) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) != 0)
            {
                return;
            }

            slots.all.Release();
            if (outsider)
            {
                slots.outsiders.Release();
            }
        }
    }
}
