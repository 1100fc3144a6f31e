using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SimulatedInternet.DnsWire;

/// <summary>
/// UDP and TCP sockets on 127.0.0.1 sharing one port number: UDP is bound to port 0 first, then TCP to
/// the same number, retrying with a new port when TCP's is taken. Each message goes through
/// <c>answer</c> (null: send nothing); TCP uses the two-byte length framing of RFC 1035 §4.2.2 and
/// serves several queries per connection (RFC 7766 §6.2.1).
/// </summary>
internal sealed class DnsListener : IAsyncDisposable
{
    private const int BindAttempts = 50;
    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly Func<ReadOnlyMemory<byte>, DnsTransport, byte[]?> _answer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _sessions = [];
    private Task _udpLoop = Task.CompletedTask;
    private Task _acceptLoop = Task.CompletedTask;
    private int _disposed;

    private DnsListener(Socket udp, TcpListener tcp, Func<ReadOnlyMemory<byte>, DnsTransport, byte[]?> answer)
    {
        _udp = udp;
        _tcp = tcp;
        _answer = answer;
        EndPoint = (IPEndPoint)udp.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    public static DnsListener Start(Func<ReadOnlyMemory<byte>, DnsTransport, byte[]?> answer)
    {
        for (var attempt = 1; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new TcpListener(IPAddress.Loopback, ((IPEndPoint)udp.LocalEndPoint!).Port);
            try
            {
                tcp.Start();
            }
            catch (SocketException) when (attempt < BindAttempts)
            {
                udp.Dispose();
                continue;
            }

            var listener = new DnsListener(udp, tcp, answer);
            listener._udpLoop = Task.Run(listener.ServeUdpAsync);
            listener._acceptLoop = Task.Run(listener.AcceptTcpAsync);
            return listener;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        Task[] running;
        lock (_sessions)
        {
            running = [_udpLoop, _acceptLoop, .. _sessions];
        }

        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stopping.Token);
                var reply = _answer(buffer.AsMemory(0, received.ReceivedBytes), DnsTransport.Udp);
                if (reply is not null)
                {
                    await _udp.SendToAsync(reply, SocketFlags.None, received.RemoteEndPoint, _stopping.Token);
                }
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // e.g. ICMP port unreachable from a client that went away; keep serving.
            }
        }
    }

    private async Task AcceptTcpAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _tcp.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var session = Task.Run(() => ServeTcpAsync(client));
            lock (_sessions)
            {
                _sessions.RemoveAll(t => t.IsCompleted);
                _sessions.Add(session);
            }
        }
    }

    private async Task ServeTcpAsync(Socket client)
    {
        using var _ = client;
        await using var stream = new NetworkStream(client, ownsSocket: false);
        var lengthPrefix = new byte[2];
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(lengthPrefix, _stopping.Token);
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthPrefix)];
                await stream.ReadExactlyAsync(message, _stopping.Token);
                var reply = _answer(message, DnsTransport.Tcp);
                if (reply is null)
                {
                    continue;
                }

                var framed = new byte[reply.Length + 2];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)reply.Length);
                reply.CopyTo(framed, 2);
                await stream.WriteAsync(framed, _stopping.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or EndOfStreamException)
        {
            // Client closed, reset or the server is stopping: the connection simply ends.
        }
    }
}
