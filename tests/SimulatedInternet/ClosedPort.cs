using System.Net;
using System.Net.Sockets;

namespace SimulatedInternet;

/// <summary>
/// A loopback port where nothing listens, for "connection refused" cases. The port stays bound (a
/// socket that never listens) until disposed, so a parallel test cannot start a server on it and turn
/// the refusal into something else.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _holder = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_holder.LocalEndPoint!;
    }

    /// <summary>127.0.0.1 and the held port.</summary>
    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public void Dispose() => _holder.Dispose();
}
