using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SimulatedInternet.Smtp;
using SmtpServer;
using SmtpProvider = SmtpServer.ComponentModel.ServiceProvider;

namespace SimulatedInternet;

/// <summary>
/// A receiving MX on loopback built on SmtpServer 11.1: STARTTLS with a chosen kind of certificate (or
/// none), TLS 1.2 and 1.3, a 30-minute session cap so slow tests are not cut off. It records every
/// accepted message (<see cref="Messages"/>, <see cref="WaitForMessagesAsync"/>) and can script replies
/// to MAIL, to RCPT per address, and to DATA. Tests bound waits with a CancellationToken, never a sleep.
/// </summary>
public sealed class TestMxServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly RecipientScript _recipients = new();
    private readonly MessageLog _log = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly MxSessionHandlers _handlers;
    private int _sessions;
    private int _disposed;
    private Task _running = Task.CompletedTask;

    private TestMxServer(TestMxServerOptions options, X509Certificate2? certificate)
    {
        Options = options;
        Certificate = certificate;
        _handlers = new MxSessionHandlers(_recipients, _log, () => MailFromReply, () => DataReply, () => DataReplyDelay);
        EndPoint = new IPEndPoint(options.Address, options.Port);
    }

    /// <summary>The options the server was started with.</summary>
    public TestMxServerOptions Options { get; }

    /// <summary>The MX host name it plays.</summary>
    public string MxName => Options.MxName;

    /// <summary>The STARTTLS certificate, or null when STARTTLS is not offered.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint EndPoint { get; private set; }

    /// <summary>The bound address.</summary>
    public IPAddress Address => EndPoint.Address;

    /// <summary>The bound port.</summary>
    public int Port => EndPoint.Port;

    /// <summary>A snapshot of the accepted messages, oldest first.</summary>
    public IReadOnlyList<ReceivedMessage> Messages => _log.Snapshot();

    /// <summary>How many SMTP sessions (connections) were opened.</summary>
    public int SessionCount => Volatile.Read(ref _sessions);

    /// <summary>How many times DATA content arrived (accepted or refused by <see cref="DataReply"/>).</summary>
    public int DataAttempts => _handlers.DataAttempts;

    /// <summary>When set, every DATA is answered with this reply (e.g. <see cref="SmtpReply.LocalError"/>) and not recorded.</summary>
    public SmtpReply? DataReply { get; set; }

    /// <summary>How long to think before answering the message data (a receiver scanning content).</summary>
    public TimeSpan DataReplyDelay { get; set; }

    /// <summary>When set, every MAIL FROM is answered with this reply.</summary>
    public SmtpReply? MailFromReply { get; set; }

    /// <summary>Starts a server. <paramref name="authority"/> is needed for Valid, WrongName and Expired certificates.</summary>
    public static async Task<TestMxServer> StartAsync(TestMxServerOptions options, TestCertificateAuthority? authority = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificate = options.CustomCertificate ?? ServerCertificates.Create(authority, options.MxName, options.Certificate);
        var server = new TestMxServer(options, certificate);
        try
        {
            await server.ListenAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Scripts RCPT TO for <paramref name="address"/> ("*" for every address without its own script).</summary>
    public void SetRecipientReply(string address, RecipientReply reply)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(reply);
        _recipients.Set(address, reply);
    }

    /// <summary>How many times <paramref name="address"/> was offered in RCPT TO (accepted or not).</summary>
    public int RecipientAttempts(string address) => _recipients.Offered(address);

    /// <summary>Completes once at least <paramref name="count"/> messages were accepted; returns them.</summary>
    public Task<IReadOnlyList<ReceivedMessage>> WaitForMessagesAsync(int count, CancellationToken cancellationToken) =>
        _log.WaitForAsync(count, cancellationToken);

    /// <summary>Stops listening and ends open sessions.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _running.WaitAsync(StopTimeout);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // Stopping: cancellation is the expected end; a stuck session must not hang the test.
        }

        _stopping.Dispose();
        if (Options.CustomCertificate is null)
        {
            Certificate?.Dispose();
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var listenerFactory = new BoundEndpointListenerFactory();
        var services = new SmtpProvider();
        services.Add(listenerFactory);
        services.Add((SmtpServer.Storage.IMailboxFilter)_handlers);
        services.Add((SmtpServer.Storage.IMessageStore)_handlers);
        var smtp = new SmtpServer.SmtpServer(BuildOptions(), services);
        smtp.SessionCreated += (_, e) =>
        {
            Interlocked.Increment(ref _sessions);
            MxSessionHandlers.TrackHelo(e.Context);
        };
        _running = smtp.StartAsync(_stopping.Token);
        var first = await Task.WhenAny(listenerFactory.Bound, _running).WaitAsync(cancellationToken);
        if (first != listenerFactory.Bound)
        {
            await _running; // surfaces the bind error
            throw new InvalidOperationException("SmtpServer stopped before binding.");
        }

        EndPoint = await listenerFactory.Bound;
    }

    private ISmtpServerOptions BuildOptions()
    {
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(MxName)
            .CustomSmtpGreeting(_ => $"220 {MxName} ESMTP SimulatedInternet")
            // Scripted rejections are thrown; the default of 5 in a row would close the session.
            .MaxRetryCount(1000)
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(Options.Address, Options.Port))
                    .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                    .SessionTimeout(TimeSpan.FromMinutes(30));
                if (Certificate is not null)
                {
                    endpoint.Certificate(Certificate);
                }
            });
        if (Options.MaxMessageSize is { } max)
        {
            builder.MaxMessageSize(max, MaxMessageSizeHandling.Strict);
        }

        return builder.Build();
    }
}
