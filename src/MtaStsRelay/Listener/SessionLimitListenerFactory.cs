using System.Collections.Concurrent;
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
/// SmtpServer's endpoint listeners with admission before any SMTP, which the library lacks (issue
/// #102): a client outside Relay:AllowedNetworks when no user could log in gets <c>554 5.7.1</c>
/// instead of a greeting (RFC 5321 §3.1) and never takes a slot; everyone else needs a free
/// <see cref="SessionSlots"/> slot or gets <c>421 4.7.0 Too many connections</c>. A slot frees when
/// the session's pipe is disposed. Also turns Nagle's algorithm off for the sessions
/// (<see cref="ListenerNoDelay"/>), bounds command lines (<see cref="CommandLineLimitReader"/>)
/// and the STARTTLS handshake, and records the addresses
/// actually bound (port 0 in tests) and any endpoint that failed to bind.
/// </summary>
/// <remarks>The recipe verified in the spike of libraries.md §1 ("Max connections").</remarks>
internal sealed class SessionLimitListenerFactory : EndpointListenerFactory
{
    private readonly SessionAdmission admission;
    private readonly ILogger logger;
    private readonly RelayMetrics? metrics;
    private readonly SessionSlots slots;
    private readonly ConcurrentQueue<IPEndPoint> bound = new();
    private readonly ConcurrentQueue<Exception> failures = new();

    public SessionLimitListenerFactory(SessionAdmission admission, ILogger logger, RelayMetrics? metrics = null)
    {
        this.admission = admission;
        this.logger = logger;
        this.metrics = metrics;
        slots = new SessionSlots(admission.MaxSessions);
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

    /// <summary>The slot for a new connection, or the reply that refuses it (already logged).</summary>
    private IDisposable? Admit(ISessionContext context, out SmtpResponse refusal)
    {
        var client = SessionInfo.ClientText(context);
        var outsider = !admission.Networks.Contains(SessionInfo.ClientAddress(context));
        if (outsider && !admission.OutsidersMayAuth)
        {
            // Nobody outside the networks can relay without a user to log in as: a session could
            // only end in 554 at RCPT, and would hold a slot until then.
            logger.ConnectionDenied(client);
            metrics?.Refused(RefusalReason.RelayDenied);
            refusal = new SmtpResponse((SmtpReplyCode)554, $"5.7.1 {admission.HostName} relay access denied");
            return null;
        }

        var slot = slots.TryTake(outsider, out var outsiderShareFull);
        if (slot is null)
        {
            if (outsiderShareFull)
            {
                logger.TooManyOutsiderSessions(client, slots.OutsiderMax);
            }
            else
            {
                logger.TooManySessions(client, slots.Max);
            }

            metrics?.Refused(RefusalReason.TooManySessions);
        }

        refusal = new SmtpResponse((SmtpReplyCode)421, "4.7.0 Too many connections, try again later");
        return slot;
    }

    private sealed class SessionLimitListener(IEndpointListener inner, SessionLimitListenerFactory factory) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            while (true)
            {
                var pipe = await inner.GetPipeAsync(context, cancellationToken).ConfigureAwait(false);
                var slot = factory.Admit(context, out var refusal);
                if (slot is not null)
                {
                    return new SlotPipe(pipe, slot, factory.admission, new CommandLineLimitReader(pipe, context, factory.logger));
                }

                await RefuseAsync(context, pipe, refusal, cancellationToken).ConfigureAwait(false);
            }
        }

        public void Dispose() => inner.Dispose();

        private static async Task RefuseAsync(ISessionContext context, ISecurableDuplexPipe pipe, SmtpResponse refusal, CancellationToken cancellationToken)
        {
            try
            {
                // Closed right after the reply, without waiting for QUIT as RFC 5321 §3.1 asks
                // after a 554 greeting: waiting would spend on strangers what the refusal saves.
                await pipe.Output.WriteReplyAsync(refusal, cancellationToken).ConfigureAwait(false);
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
    /// Input and Output), reading through the command-line limit, and freeing the slot once when
    /// disposed.
    /// </summary>
    private sealed class SlotPipe(ISecurableDuplexPipe inner, IDisposable slot, SessionAdmission admission, CommandLineLimitReader input) : ISecurableDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => inner.Output;

        public bool IsSecure => inner.IsSecure;

        public SslProtocols SslProtocol => inner.SslProtocol;

        /// <summary>
        /// The TLS handshake, bounded: SmtpServer gives it only the session's token (SessionTimeout,
        /// 30 minutes), so a client that says STARTTLS and then nothing would hold its slot that long.
        /// At the deadline the connection is closed, which ends the handshake with an error.
        /// </summary>
        public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
        {
            using var deadline = new CancellationTokenSource(admission.HandshakeTimeout, admission.Time);
            using (deadline.Token.Register(static pipe => ((SlotPipe)pipe!).Dispose(), this))
            {
                try
                {
                    await inner.UpgradeAsync(certificate, protocols, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (Exception exception) when (deadline.IsCancellationRequested)
                {
                    throw new TimeoutException($"TLS handshake not finished within {admission.HandshakeTimeout} (Relay:Limits:CommandTimeout)", exception);
                }
            }
        }

        public void Dispose()
        {
            inner.Dispose();
            slot.Dispose();
        }
    }
}
