using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SimulatedInternet;

/// <summary>
/// A raw TCP listener that breaks SMTP on purpose (see <see cref="BrokenSmtpBehavior"/>), for testing how
/// the sender copes with resets, stalls and nonsense. Stalls last until the server is disposed.
/// </summary>
public sealed class BrokenSmtpServer : IAsyncDisposable
{
    private static readonly byte[] Garbage = Encoding.ASCII.GetBytes("\u0016\u0003\u0001 this is not SMTP ?!\r\n");
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _connectionCount;
    private int _disposed;

    private BrokenSmtpServer(BrokenSmtpBehavior behavior, TcpListener listener, string greetingName)
    {
        Behavior = behavior;
        GreetingName = greetingName;
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The misbehaviour.</summary>
    public BrokenSmtpBehavior Behavior { get; }

    /// <summary>The host name in the 220 greeting, when one is sent.</summary>
    public string GreetingName { get; }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The bound address.</summary>
    public IPAddress Address => EndPoint.Address;

    /// <summary>The bound port.</summary>
    public int Port => EndPoint.Port;

    /// <summary>How many connections were accepted.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Starts listening on <paramref name="address"/> (default 127.0.0.1) and <paramref name="port"/> (default: OS-chosen).</summary>
    public static Task<BrokenSmtpServer> StartAsync(
        BrokenSmtpBehavior behavior, IPAddress? address = null, int port = 0, string greetingName = "broken.example.test", CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var listener = new TcpListener(address ?? IPAddress.Loopback, port);
        listener.Start();
        return Task.FromResult(new BrokenSmtpServer(behavior, listener, greetingName));
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener.Stop();
        Task[] running;
        lock (_connections)
        {
            running = [_accepting, .. _connections];
        }

        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            Interlocked.Increment(ref _connectionCount);
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(Task.Run(() => MisbehaveAsync(client)));
            }
        }
    }

    private async Task MisbehaveAsync(Socket client)
    {
        using var _ = client;
        if (Behavior == BrokenSmtpBehavior.ResetOnConnect)
        {
            client.LingerState = new LingerOption(true, 0); // close with RST
            return;
        }

        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: false);
            var token = _stopping.Token;
            switch (Behavior)
            {
                case BrokenSmtpBehavior.GarbageGreeting:
                    await stream.WriteAsync(Garbage, token);
                    break;
                case BrokenSmtpBehavior.StallAfterGreeting or BrokenSmtpBehavior.GarbageEhloReply:
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"220 {GreetingName} ESMTP\r\n"), token);
                    break;
            }

            if (Behavior == BrokenSmtpBehavior.GarbageEhloReply)
            {
                await ReadLineAsync(stream, token);
                await stream.WriteAsync(Garbage, token);
            }

            await DrainUntilClosedAsync(stream, token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The client gave up or the server is stopping.
        }
    }

    private static async Task ReadLineAsync(NetworkStream stream, CancellationToken token)
    {
        var one = new byte[1];
        while (await stream.ReadAsync(one, token) == 1 && one[0] != (byte)'\n')
        {
        }
    }

    // Reads and ignores whatever the client sends, so the connection stays open (stalled) until either side closes.
    private static async Task DrainUntilClosedAsync(NetworkStream stream, CancellationToken token)
    {
        var buffer = new byte[1024];
        while (await stream.ReadAsync(buffer, token) > 0)
        {
        }
    }
}
