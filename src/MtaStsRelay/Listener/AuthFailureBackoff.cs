using System.Net;
using System.Net.Sockets;

namespace MtaStsRelay.Listener;

/// <summary>
/// Per-client back-off for AUTH: after <see cref="MaxFailures"/> failed AUTHs from one address within
/// <see cref="Window"/>, AUTH from there gets <c>454 4.7.0</c> without a password check for
/// <see cref="LockTime"/>. The <see cref="AuthGate"/> bounds the CPU all clients together may spend;
/// this keeps one guessing client from holding the gate, and makes guessing slow. IPv6 clients are
/// counted per /64, the block one host usually has. A successful AUTH clears the address's count.
/// </summary>
/// <remarks>
/// Fixed constants rather than settings: a client that fails ten times in ten minutes is guessing,
/// and a legitimate one locked out by mistake (a wrong password in its config) gets a temporary
/// reply and recovers by itself once the password is fixed and the lock runs out.
/// </remarks>
internal sealed class AuthFailureBackoff(TimeProvider time)
{
    /// <summary>Failed AUTHs from one address within <see cref="Window"/> that start the lock.</summary>
    public const int MaxFailures = 10;

    /// <summary>The most client addresses tracked; past it (after dropping stale ones), new addresses are not counted.</summary>
    internal const int MaxTrackedClients = 10_000;

    /// <summary>The span over which failures are counted, from the first one.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>How long AUTH from a locked address is answered 454 without a check.</summary>
    public static readonly TimeSpan LockTime = TimeSpan.FromMinutes(10);

    private readonly Dictionary<IPAddress, Entry> clients = [];
    private readonly Lock gate = new();

    /// <summary>True while AUTH from <paramref name="client"/> is locked out.</summary>
    public bool IsLocked(IPAddress? client)
    {
        if (client is null)
        {
            return false;
        }

        lock (gate)
        {
            return clients.TryGetValue(Key(client), out var entry) && entry.LockedUntil > time.GetUtcNow();
        }
    }

    /// <summary>Counts a failed AUTH; true when it started the lock.</summary>
    public bool RecordFailure(IPAddress? client)
    {
        if (client is null)
        {
            return false;
        }

        var now = time.GetUtcNow();
        lock (gate)
        {
            var key = Key(client);
            if (!clients.TryGetValue(key, out var entry))
            {
                if (!MakeRoom(now))
                {
                    return false;
                }

                entry = new Entry { WindowStart = now };
                clients[key] = entry;
            }
            else if (now - entry.WindowStart >= Window)
            {
                entry.WindowStart = now;
                entry.Failures = 0;
            }

            if (++entry.Failures < MaxFailures)
            {
                return false;
            }

            entry.LockedUntil = now + LockTime;
            entry.WindowStart = now;
            entry.Failures = 0;
            return true;
        }
    }

    /// <summary>Forgets the failures of <paramref name="client"/> after a successful AUTH.</summary>
    public void RecordSuccess(IPAddress? client)
    {
        if (client is not null)
        {
            lock (gate)
            {
                clients.Remove(Key(client));
            }
        }
    }

    /// <summary>Drops stale entries when the table is full; false when it is still full.</summary>
    private bool MakeRoom(DateTimeOffset now)
    {
        if (clients.Count < MaxTrackedClients)
        {
            return true;
        }

        foreach (var (key, entry) in clients)
        {
            if (entry.LockedUntil <= now && now - entry.WindowStart >= Window)
            {
                clients.Remove(key);
            }
        }

        return clients.Count < MaxTrackedClients;
    }

    /// <summary>IPv4 as is; IPv6 cut to its /64 (RFC 4291 §2.5.4: the interface identifier is the low 64 bits).</summary>
    private static IPAddress Key(IPAddress client)
    {
        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client;
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset LockedUntil { get; set; }
    }
}
