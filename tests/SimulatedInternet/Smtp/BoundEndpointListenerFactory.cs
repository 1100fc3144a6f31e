using System.Net;
using SmtpServer;
using SmtpServer.Net;

namespace SimulatedInternet.Smtp;

/// <summary>SmtpServer's listener factory, reporting the endpoint actually bound (needed for port 0).</summary>
internal sealed class BoundEndpointListenerFactory : EndpointListenerFactory
{
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IPEndPoint> Bound => _bound.Task;

    public override IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        try
        {
            return base.CreateListener(endpointDefinition);
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
