using System.Net;
using System.Security.Authentication;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaStsRelay.Diagnostics;
using MtaStsRelay.Queue;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using ServerServices = SmtpServer.ComponentModel.ServiceProvider;

namespace MtaStsRelay.Listener;

/// <summary>
/// The inbound half of the relay: SmtpServer on every <c>Relay:Listen</c> endpoint, taking mail
/// from the allowed networks and authenticated users and spooling it before it answers 250.
/// </summary>
/// <remarks>
/// Settings that differ from SmtpServer's defaults, and why (libraries.md §1): a greeting without the
/// library version; TLS 1.2 and 1.3 (the default is 1.2 only); STARTTLS when a certificate is
/// configured; the size limit enforced on the bytes received (Strict), not only on SIZE=; a session
/// timeout of 30 minutes instead of 2; a cap on concurrent sessions, of which strangers get at most
/// half, and none when no user could log in; a bounded STARTTLS handshake; enough retries for a
/// batch of refused recipients; our EHLO reply (no SMTPUTF8); a real authenticator (the default
/// accepts anyone) whose password checks are rationed.
/// Host start waits until every endpoint is bound, and fails if one cannot be.
/// </remarks>
public sealed class RelayListener : BackgroundService
{
    private readonly ListenerOptions options;
    private readonly Spool spool;
    private readonly TimeProvider time;
    private readonly ILogger<RelayListener> logger;
    private readonly RelayMetrics? metrics;
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<ListenerEndpoint> endpoints = [];
    private SessionLimitListenerFactory? listenerFactory;

    /// <summary>Creates the listener; nothing is bound until the host starts it.</summary>
    public RelayListener(IOptions<ListenerOptions> options, Spool spool, TimeProvider timeProvider, ILogger<RelayListener> logger, RelayMetrics? metrics = null)
    {
        this.options = options.Value;
        ListenerOptions.ApplyDefaults(this.options);
        this.spool = spool;
        time = timeProvider;
        this.logger = logger;
        this.metrics = metrics;
    }

    /// <summary>The local end points actually bound (with the real port when 0 was configured).</summary>
    public IReadOnlyList<IPEndPoint> BoundEndPoints => listenerFactory?.BoundEndPoints ?? [];

    /// <summary>The password checks that may run at once (tests hold its slots to see the 454).</summary>
    internal AuthGate AuthGate { get; } = new(AuthGate.DefaultSize);

    /// <summary>Completes when every endpoint is listening; faults when one could not be bound.</summary>
    public Task Listening => listening.Task;

    /// <summary>Starts listening and returns once every endpoint is bound, so the host fails to start if one is not.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
        await Listening.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            endpoints.AddRange(options.Listen.Select(e => ListenerEndpoint.Create(e, options.Limits.SessionTimeout, logger)));
            var networks = new AllowedNetworks(options.AllowedNetworks);
            var admission = new SessionAdmission(
                networks, options.Auth.Users.Count > 0, options.Limits.MaxSessions, options.HostName, options.Limits.CommandTimeout, time);
            listenerFactory = new SessionLimitListenerFactory(admission, logger, metrics);
            var server = CreateServer(listenerFactory, networks);

            // SmtpServer binds every endpoint synchronously inside StartAsync, so failures are known here.
            var running = server.StartAsync(stoppingToken);
            if (listenerFactory.Failures.Count > 0)
            {
                server.Shutdown();
                throw new ListenException($"cannot listen: {listenerFactory.Failures[0].Message}", listenerFactory.Failures[0]);
            }

            foreach (var (bound, endpoint) in listenerFactory.BoundEndPoints.Zip(endpoints))
            {
                logger.Listening(bound.ToString(), endpoint.Certificate is not null, endpoint.RequireTls);
            }

            listening.TrySetResult();
            await running.ConfigureAwait(false);
            logger.Stopped();
        }
        catch (Exception exception) when (!listening.Task.IsCompleted)
        {
            listening.TrySetException(exception);
            throw;
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var endpoint in endpoints)
        {
            endpoint.Dispose();
        }

        base.Dispose();
    }

    /// <summary>
    /// SmtpServer closes a session, silently, after MaxRetryCount refusals in a row (default 5).
    /// A pipelined batch over Relay:Limits:MaxRecipients gets one 452 per extra RCPT, which must
    /// not end the session before DATA: the client would retry the same batch forever.
    /// </summary>
    internal static int RetryAllowance(int maxRecipients) => (int)Math.Clamp(maxRecipients + 10L, 5, int.MaxValue);

    private SmtpServer.SmtpServer CreateServer(SessionLimitListenerFactory factory, AllowedNetworks networks)
    {
        var hostName = options.HostName;
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(hostName)
            .CustomSmtpGreeting(_ => $"220 {hostName} ESMTP ready")
            .MaxMessageSize(options.Limits.MaxMessageSize, MaxMessageSizeHandling.Strict)
            .CommandWaitTimeout(options.Limits.CommandTimeout)
            .MaxRetryCount(RetryAllowance(options.Limits.MaxRecipients));
        foreach (var endpoint in endpoints)
        {
            builder.Endpoint(endpoint.Definition);
        }

        var tlsRequired = endpoints.Where(e => e.RequireTls).Select(e => e.Definition).ToHashSet();
        var services = new ServerServices();
        services.Add(factory);
        services.Add((ISmtpCommandFactory)new RelayCommandFactory(options.Auth.Users.Count > 0));
        services.Add((IUserAuthenticator)new RelayUserAuthenticator(options.Auth.Users, AuthGate, new AuthFailureBackoff(time), logger, metrics));
        services.Add((IMailboxFilter)new RelayAccessFilter(
            networks, tlsRequired.Contains, options.Limits.MaxRecipients, logger, metrics));
        services.Add((IMessageStore)new SpoolingMessageStore(spool, hostName, time, logger, metrics));

        var server = new SmtpServer.SmtpServer(builder.Build(), services);
        server.SessionCreated += (_, e) => SessionEvents.Watch(e.Context, logger, options.Limits.MaxMessageSize, metrics);
        server.SessionFaulted += (_, e) => logger.SessionFaulted(SessionInfo.ClientText(e.Context), LogText.Bounded(e.Exception.Message));
        return server;
    }
}
