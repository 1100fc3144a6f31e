using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using MtaStsRelay.Diagnostics;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;

namespace MtaStsRelay.Listener;

/// <summary>
/// SmtpServer's endpoint listeners with a cap on concurrent sessions, which the library lacks
/// (issue #102). Over the cap a new connection gets <c>421 4.7.0 Too many connections</c> and is
/// closed; a slot frees when a session's pipe is disposed. Also turns Nagle's algorithm off for the
/// sessions (<see cref="ListenerNoDelay"/>), and records the addresses actually bound (port 0 in
/// tests) and any endpoint that failed to bind.
/// </summary>
/// <remarks>The recipe verified in the spike of libraries.md §1 ("Max connections").</remarks>
[SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim needs disposing only when its AvailableWaitHandle is used, and it is not.")]
internal sealed class SessionLimitListenerFactory : EndpointListenerFactory
{
    private readonly int maxSessions;
    private readonly ILogger logger;
    private readonly RelayMetrics? metrics;
    private readonly SemaphoreSlim slots;
    private readonly ConcurrentQueue<IPEndPoint> bound = new();
    private readonly ConcurrentQueue<Exception> failures = new();

    public SessionLimitListenerFactory(int maxSessions, ILogger logger, RelayMetrics? metrics = null)
    {
        this.maxSessions = maxSessions;
        this.logger = logger;
        this.metrics = metrics;
        slots = new SemaphoreSlim(maxSessions, maxSessions);
    }

    /// <summary>The local end points listening, in the order they were bound.</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints => [.. bound];

    /// <summary>Endpoints that could not be bound (address in use, no such address).</summary>
    public IReadOnlyList<Exception> Failures => [.. failures];

    public override IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        try
        {
            var listener = base.CreateListener(endpointDefinition);
            if (!ListenerNoDelay.TryApply(listener))
            {
                logger.NagleNotDisabled(endpointDefinition.Endpoint.ToString());
            }

            return new SessionLimitListener(listener, this);
        }
        catch (Exception exception)
        {
            failures.Enqueue(exception);
            throw;
        }
    }

    protected override void OnEndpointStarted(EndpointEventArgs args)
    {
        if (args.LocalEndPoint is IPEndPoint endPoint)
        {
            bound.Enqueue(endPoint);
        }

        base.OnEndpointStarted(args);
    }

    private sealed class SessionLimitListener(IEndpointListener inner, SessionLimitListenerFactory factory) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            while (true)
            {
                var pipe = await inner.GetPipeAsync(context, cancellationToken).ConfigureAwait(false);
                if (factory.slots.Wait(0, CancellationToken.None))
                {
                    return new SlotPipe(pipe, factory.slots);
                }

                await RefuseAsync(context, pipe, cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose() => inner.Dispose();

        private async Task RefuseAsync(ISessionContext context, ISecurableDuplexPipe pipe, CancellationToken cancellationToken)
        {
            factory.logger.TooManySessions(SessionInfo.ClientText(context), factory.maxSessions);
            factory.metrics?.Refused(RefusalReason.TooManySessions);
            try
            {
                await pipe.Output.WriteReplyAsync(
                    new SmtpResponse((SmtpReplyCode)421, "4.7.0 Too many connections, try again later"), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or InvalidOperationException)
            {
                // The client is gone already; nothing to tell it.
            }
            finally
            {
                pipe.Dispose();

                // The same context is used for the next accept, and the inner listener Adds these keys.
                context.Properties.Remove(EndpointListener.LocalEndPointKey);
                context.Properties.Remove(EndpointListener.RemoteEndPointKey);
            }
        }
    }

    /// <summary>
    /// The session's pipe, forwarding every member live (STARTTLS replaces the inner pipe's
    /// Input and Output), and freeing the slot once when disposed.
    /// </summary>
    private sealed class SlotPipe(ISecurableDuplexPipe inner, SemaphoreSlim slots) : ISecurableDuplexPipe
    {
        private int released;

        public PipeReader Input => inner.Input;

        public PipeWriter Output => inner.Output;

        public bool IsSecure => inner.IsSecure;

        public SslProtocols SslProtocol => inner.SslProtocol;

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            inner.UpgradeAsync(certificate, protocols, cancellationToken);

        public void Dispose()
        {
            inner.Dispose();
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
