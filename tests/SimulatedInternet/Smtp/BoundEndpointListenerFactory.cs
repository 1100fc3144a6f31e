using System.Net;
using System.Net.Sockets;
using System.Reflection;
using SmtpServer;
using SmtpServer.Net;

namespace SimulatedInternet.Smtp;

/// <summary>
/// SmtpServer's listener factory, reporting the endpoint actually bound (needed for port 0), with
/// Nagle's algorithm off like a real MX: with it on, the second of two pipelined replies waits up to
/// 40 ms for the client's delayed ACK, which made every simulated delivery 50 ms slower (see
/// docs/benchmarks.md, "Relay throughput"; the relay's listener does the same).
/// </summary>
internal sealed class BoundEndpointListenerFactory : EndpointListenerFactory
{
    // SmtpServer 11.1 keeps the TcpListener private; accepted sockets inherit TCP_NODELAY from it.
    private static readonly FieldInfo? TcpListenerField =
        typeof(EndpointListener).GetField("_tcpListener", BindingFlags.NonPublic | BindingFlags.Instance);

    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IPEndPoint> Bound => _bound.Task;

    public override IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        try
        {
            var listener = base.CreateListener(endpointDefinition);
            if (TcpListenerField?.GetValue(listener) is TcpListener tcp)
            {
                tcp.Server.NoDelay = true;
            }

            return listener;
        }
        catch (Exception e)
        {
            _bound.TrySetException(e);
            throw;
        }
    }

    protected override void OnEndpointStarted(EndpointEventArgs args)
    {
        _bound.TrySetResult((IPEndPoint)args.LocalEndPoint);
        base.OnEndpointStarted(args);
    }
}
