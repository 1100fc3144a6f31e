using System.Diagnostics.CodeAnalysis;

namespace MtaStsRelay.Listener;

/// <summary>
/// The few password checks allowed to run at once. Each AUTH costs a PBKDF2 derivation of
/// 100 000–600 000 iterations (<see cref="PasswordHasher"/>), unknown users included (the decoy), on
/// a thread-pool thread; SmtpServer only limits attempts per session. Without a bound, a hundred
/// sessions saying AUTH in a loop keep every core busy and starve delivery. A check that finds the
/// gate full is not queued: the client gets <c>454 4.7.0</c> (RFC 4954 §6) and tries again later.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim needs disposing only when its AvailableWaitHandle is used, and it is not.")]
internal sealed class AuthGate
{
    private readonly SemaphoreSlim slots;

    public AuthGate(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        slots = new SemaphoreSlim(size, size);
    }

    /// <summary>
    /// Half the processors, at least one: AUTH from strangers may take that much CPU, and the
    /// other half stays for TLS handshakes, receiving and delivery.
    /// </summary>
    public static int DefaultSize => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>How many checks may run at once.</summary>
    public int Size { get; }

    /// <summary>A slot for one check, or null when <see cref="Size"/> are running. Dispose it to free it.</summary>
    public IDisposable? TryEnter() => slots.Wait(0, CancellationToken.None) ? new Slot(slots) : null;

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
