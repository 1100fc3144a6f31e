using System.Net;
using System.Net.Sockets;

namespace MtaSts.Fetch;

/// <summary>Opens a TCP connection to one address (the seam tests replace to play a host that drops SYNs).</summary>
internal delegate Task<Socket> TcpConnect(IPAddress address, int port, CancellationToken cancellationToken);

/// <summary>
/// Connects to the first policy-host address that answers, giving each address a bounded share of the
/// fetch's time. Without the bound, one address that silently drops SYNs (Linux retries a SYN for about
/// two minutes) would use up the whole FetchTimeout and a working second address would never be tried.
/// The addresses are tried one after another, alternating families (IPv4 first), so a broken IPv6
/// path (or IPv4 path) costs at most one share before the other family gets its turn (RFC 8305 §4).
/// </summary>
internal sealed class PolicyHostConnector(TimeProvider time, TcpConnect? connect = null)
{
    /// <summary>The most one address may take to accept a connection.</summary>
    public static readonly TimeSpan MaxAttemptTime = TimeSpan.FromSeconds(5);

    /// <summary>Where the fetch puts its deadline, so the connect step can share out what is left of it.</summary>
    public static readonly HttpRequestOptionsKey<DateTimeOffset> DeadlineKey = new("MtaSts.FetchDeadline");

    private readonly TcpConnect _connect = connect ?? ConnectSocketAsync;

    /// <summary>
    /// A stream to the first of <paramref name="addresses"/> that accepts on <paramref name="port"/>
    /// before <paramref name="deadline"/> (null: no deadline known, each address gets <see cref="MaxAttemptTime"/>).
    /// Throws the last <see cref="SocketException"/> (<see cref="SocketError.TimedOut"/> for an address
    /// that did not answer in its share) when none does.
    /// </summary>
    public async Task<Stream> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var ordered = InterleaveFamilies(addresses);
        SocketException? last = null;
        for (var i = 0; i < ordered.Count; i++)
        {
            var share = ShareOf(deadline, ordered.Count - i);
            using var attemptTimer = new CancellationTokenSource(share, time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptTimer.Token);
            try
            {
                var socket = await _connect(ordered[i], port, attempt.Token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                last = e;
            }
            catch (OperationCanceledException) when (attemptTimer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                last = new SocketException((int)SocketError.TimedOut);
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>v4, v6, v4, v6, …: the order within each family is kept (RFC 8305 §4, IPv4 first like the resolver).</summary>
    internal static IReadOnlyList<IPAddress> InterleaveFamilies(IReadOnlyList<IPAddress> addresses)
    {
        var v4 = addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork).ToList();
        var others = addresses.Where(a => a.AddressFamily != AddressFamily.InterNetwork).ToList();
        var ordered = new List<IPAddress>(addresses.Count);
        for (var i = 0; i < Math.Max(v4.Count, others.Count); i++)
        {
            if (i < v4.Count)
            {
                ordered.Add(v4[i]);
            }

            if (i < others.Count)
            {
                ordered.Add(others[i]);
            }
        }

        return ordered;
    }

    /// <summary>An equal share of the time left among the addresses left, at most <see cref="MaxAttemptTime"/>.</summary>
    private TimeSpan ShareOf(DateTimeOffset? deadline, int addressesLeft)
    {
        if (deadline is not { } end)
        {
            return MaxAttemptTime;
        }

        var left = end - time.GetUtcNow();
        // Past the deadline the fetch's own token is about to fire; a positive share keeps the timer valid.
        var share = left <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : left / addressesLeft;
        return share < MaxAttemptTime ? share : MaxAttemptTime;
    }

    /// <summary>The real connect step (tests wrap it to add silent addresses).</summary>
    internal static async Task<Socket> ConnectSocketAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(address, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
