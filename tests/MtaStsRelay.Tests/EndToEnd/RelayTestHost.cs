using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MtaStsRelay.Cli;
using MtaStsRelay.Configuration;
using MtaStsRelay.Delivery;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;
using SimulatedInternet;

namespace MtaStsRelay.Tests.EndToEnd;

/// <summary>
/// The whole relay in-process, configured as an admin would (through settings only), pointed at a
/// simulated internet: its DNS, its CA as the extra trusted root, its HTTPS and SMTP ports. Time is a
/// FakeTimeProvider so retries and expiry are driven, never waited for. A restart keeps the folders.
/// </summary>
internal sealed class RelayTestHost : IAsyncDisposable
{
    private readonly TestInternet _internet;
    private readonly Dictionary<string, string?> _settings;
    private IHost? _host;

    private RelayTestHost(TestInternet internet, string folder, Dictionary<string, string?> settings, FakeTimeProvider time)
    {
        _internet = internet;
        Folder = folder;
        _settings = settings;
        Time = time;
    }

    public string Folder { get; }

    public FakeTimeProvider Time { get; }

    public LogCollector Logs { get; private set; } = new();

    public IPEndPoint SmtpEndPoint { get; private set; } = null!;

    public Spool Spool => _host!.Services.GetRequiredService<Spool>();

    public IServiceProvider Services => _host!.Services;

    /// <summary>The spool's files read directly, as an operator command does; works while the relay is stopped.</summary>
    public Spool SpoolOnDisk => new(Options.Create(new SpoolOptions { Path = _settings["Relay:Spool:Path"]! }), Time, NullLogger<Spool>.Instance);

    /// <summary>The running relay's delivery worker.</summary>
    public DeliveryWorker Worker => _host!.Services.GetRequiredService<DeliveryWorker>();

    /// <summary>The relay's settings, as a command reading the same configuration sees them.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings;

    public static async Task<RelayTestHost> StartAsync(TestInternet internet, Action<Dictionary<string, string?>>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("relay-e2e-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Relay:HostName"] = "relay.test",
            ["Relay:Listen:0:Address"] = "127.0.0.1",
            ["Relay:Listen:0:Port"] = "0",
            ["Relay:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Relay:Spool:Path"] = Path.Combine(folder, "spool"),
            ["Relay:MtaSts:CachePath"] = Path.Combine(folder, "policy-cache"),
            ["Relay:Dns:Servers:0"] = internet.DnsAddress,
            ["Relay:Dns:Timeout"] = "00:00:10", // a slow answer on a loaded machine must not look like a lost one
            ["Relay:Tls:TrustedRoots"] = internet.WriteRootPem(folder),
            ["Relay:MtaSts:PolicyPort"] = internet.HttpsPort.ToString(),
            ["Relay:Delivery:Port"] = internet.SmtpPort.ToString(),
            ["Relay:Delivery:ConnectTimeout"] = "00:00:10",
            ["Relay:Delivery:CommandTimeout"] = "00:00:10",
            ["Relay:Queue:RetrySchedule:0"] = "00:05:00",
            ["Relay:Queue:Lifetime"] = "1.00:00:00",
            ["Relay:Queue:DelayNotice"] = "00:00:00",
        };
        configure?.Invoke(settings);
        var host = new RelayTestHost(internet, folder, settings, new FakeTimeProvider(DateTimeOffset.UtcNow));
        try
        {
            await host.StartHostAsync();
        }
        catch
        {
            await host.DisposeAsync(); // what did start stops, and the folder goes
            throw;
        }

        return host;
    }

    /// <summary>Stops the relay (as on SIGTERM) and, unless <paramref name="stopOnly"/>, starts a new process-like instance on the same folders.</summary>
    public async Task RestartAsync(bool stopOnly = false)
    {
        await StopHostAsync();
        if (stopOnly)
        {
            return;
        }

        Logs = new LogCollector();
        await StartHostAsync();
    }

    /// <summary>Stops the relay (as on SIGTERM), keeping its folders; <see cref="StartRelayAsync"/> starts it again.</summary>
    public Task StopRelayAsync() => StopHostAsync();

    /// <summary>Starts a stopped relay on the same folders, with fresh logs.</summary>
    public Task StartRelayAsync()
    {
        Logs = new LogCollector();
        return StartHostAsync();
    }

    /// <summary>
    /// Runs <c>mtasts-relay args…</c> in-process with the relay's settings and its fake clock, as an
    /// operator would on the same machine (whether the relay is running or stopped).
    /// </summary>
    public async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args) => await RunCliAsync(relayStopped: false, args);

    /// <summary>
    /// Runs a command as above; with <paramref name="relayStopped"/>, the relay is stopped for it (the
    /// command then works on the spool itself) and started again afterwards, whatever the exit code.
    /// </summary>
    public async Task<(int ExitCode, string Output, string Error)> RunCliAsync(bool relayStopped, params string[] args)
    {
        if (!relayStopped)
        {
            return await InvokeCliAsync(args);
        }

        await StopRelayAsync();
        try
        {
            return await InvokeCliAsync(args);
        }
        finally
        {
            await StartRelayAsync();
        }
    }

    private async Task<(int ExitCode, string Output, string Error)> InvokeCliAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext { Output = output, Error = error, ConfigOverrides = _settings, Time = Time };
        var code = await RelayCommandLine.InvokeAsync(args, context);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Sends a message as Exchange would: MailKit, the relay as smarthost. Returns the 250 text.</summary>
    public async Task<string> SendAsync(string from, IEnumerable<string> to, string subject = "test", string body = "Hello.\r\n")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var recipient in to)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        using var client = new SmtpClient { LocalDomain = "exchange.test" };
        await client.ConnectAsync(SmtpEndPoint.Address.ToString(), SmtpEndPoint.Port, SecureSocketOptions.None);
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(true);
        return reply;
    }

    /// <summary>
    /// Waits until the delivery worker has <paramref name="count"/> messages on its schedule (an
    /// attempt's log line comes before the message is back on it); short polls, bounded by the token.
    /// </summary>
    public async Task WaitForScheduledAsync(int count, CancellationToken cancellationToken)
    {
        while (Worker.Scheduled != count)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until <paramref name="queueId"/> has been deferred with its next attempt time set (event
    /// 3006). The attempt's own line (3000) comes before that time is chosen, so a test that moves the
    /// clock right after 3000 could have the retry scheduled from the moved clock, past the advance.
    /// </summary>
    public Task<LogCollector.LogLine> WaitForDeferredAsync(string queueId, CancellationToken cancellationToken) =>
        Logs.WaitForAsync(l => l.EventId == 3006 && l.Message.Contains($"queue_id={queueId} ", StringComparison.Ordinal), cancellationToken);

    /// <summary>Waits until <paramref name="queueId"/> has left the queue (event 3005, written after the entry is removed).</summary>
    public Task<LogCollector.LogLine> WaitForDoneAsync(string queueId, CancellationToken cancellationToken) =>
        Logs.WaitForAsync(l => l.EventId == 3005 && l.Message.Contains($"queue_id={queueId} ", StringComparison.Ordinal), cancellationToken);

    /// <summary>The queue id named in a "250 2.0.0 Ok: queued as ID" reply text.</summary>
    public static string QueueIdOf(string reply) => reply.Split(' ').Last().Trim();

    /// <summary>Waits for the delivery log line (event 3000) of <paramref name="queueId"/> and <paramref name="domain"/> with <paramref name="result"/>.</summary>
    public Task<LogCollector.LogLine> WaitForAttemptAsync(string queueId, string domain, string result, CancellationToken cancellationToken) =>
        Logs.WaitForAsync(l => l.EventId == 3000 && l.Message.Contains($"queue_id={queueId} ", StringComparison.Ordinal)
            && l.Message.Contains($"result={result} ", StringComparison.Ordinal) && l.Message.Contains($"domain={domain} ", StringComparison.Ordinal), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartHostAsync()
    {
        var builder = RelayHostBuilder.Create([], null, _settings);
        builder.Services.AddRelay(builder.Configuration);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(Logs);
        _host = builder.Build();
        await _host.StartAsync();
        var listener = _host.Services.GetRequiredService<RelayListener>();
        await listener.Listening;
        SmtpEndPoint = listener.BoundEndPoints[0];
    }

    private async Task StopHostAsync()
    {
        if (_host is null)
        {
            return;
        }

        await _host.StopAsync();
        _host.Dispose();
        _host = null;
    }
}
