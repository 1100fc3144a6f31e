using System.Globalization;
using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using MtaStsRelay;
using MtaStsRelay.Configuration;
using MtaStsRelay.Listener;
using SimulatedInternet;

namespace Sandbox;

/// <summary>
/// The real relay, composed exactly as <c>mtasts-relay run</c> composes it (same configuration reader,
/// same <c>AddRelay</c>), with settings that point it at the simulated internet instead of the real
/// one: its DNS server, its CA as an extra trusted root, its HTTPS and SMTP ports. Real clock; the
/// spool and policy cache live in a temporary folder that is deleted on dispose.
/// </summary>
internal sealed class SandboxRelay : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);
    private readonly IHost _host;
    private readonly string _folder;

    private SandboxRelay(IHost host, string folder, IPEndPoint endPoint)
    {
        _host = host;
        _folder = folder;
        EndPoint = endPoint;
    }

    /// <summary>Where the relay listens for Exchange (127.0.0.1, a port chosen by the system).</summary>
    public IPEndPoint EndPoint { get; }

    public static async Task<SandboxRelay> StartAsync(TestInternet internet, ILoggerProvider events, bool verbose, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("mtasts-sandbox-").FullName;
        try
        {
            var builder = RelayHostBuilder.Create([], null, Settings(internet, folder));
            builder.Services.AddRelay(builder.Configuration);
            if (!verbose)
            {
                builder.Logging.ClearProviders();
            }

            builder.Logging.AddProvider(events);
            var host = builder.Build();
            await host.StartAsync(cancellationToken);
            var listener = host.Services.GetRequiredService<RelayListener>();
            await listener.Listening.WaitAsync(cancellationToken);
            return new SandboxRelay(host, folder, listener.BoundEndPoints[0]);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Hands one message per recipient to the relay over one SMTP session, as Exchange would; returns the queue ids.</summary>
    public async Task<IReadOnlyList<string>> SendAsync(string from, IEnumerable<string> recipients, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { LocalDomain = "exchange.sandbox.test", Timeout = 10_000 };
        await client.ConnectAsync(EndPoint.Address.ToString(), EndPoint.Port, SecureSocketOptions.None, cancellationToken);
        var queueIds = new List<string>();
        foreach (var recipient in recipients)
        {
            using var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(from));
            message.To.Add(MailboxAddress.Parse(recipient));
            message.Subject = "MTA-STS sandbox";
            message.Body = new TextPart("plain") { Text = "Hello from the MTA-STS sandbox.\r\n" };
            var reply = await client.SendAsync(message, cancellationToken);
            queueIds.Add(reply.Split(' ')[^1].Trim()); // "2.0.0 Ok: queued as <id>"
        }

        await client.DisconnectAsync(true, cancellationToken);
        return queueIds;
    }

    /// <summary>Stops the relay as SIGTERM would (bounded), and deletes its spool and policy cache.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(StopBound))
        {
            await _host.StopAsync(stop.Token);
        }

        _host.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static Dictionary<string, string?> Settings(TestInternet internet, string folder) => new()
    {
        ["Relay:HostName"] = "relay.sandbox.test",
        ["Relay:Listen:0:Address"] = "127.0.0.1",
        ["Relay:Listen:0:Port"] = "0",
        ["Relay:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Relay:Spool:Path"] = Path.Combine(folder, "spool"),
        ["Relay:MtaSts:CachePath"] = Path.Combine(folder, "policy-cache"),
        ["Relay:Dns:Servers:0"] = internet.DnsAddress,
        ["Relay:Tls:TrustedRoots"] = internet.WriteRootPem(folder),
        ["Relay:MtaSts:PolicyPort"] = internet.HttpsPort.ToString(CultureInfo.InvariantCulture),
        ["Relay:Delivery:Port"] = internet.SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Relay:Delivery:ConnectTimeout"] = "00:00:05",
        ["Relay:Delivery:CommandTimeout"] = "00:00:10",
        ["Relay:MtaSts:FetchTimeout"] = "00:00:10",
        // Only first attempts are shown; no "still trying" notice during the run.
        ["Relay:Queue:DelayNotice"] = "00:00:00",
    };
}
