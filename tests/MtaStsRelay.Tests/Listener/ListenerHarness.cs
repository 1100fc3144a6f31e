using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;
using MtaStsRelay.Tests.Queue;

namespace MtaStsRelay.Tests.Listener;

/// <summary>A RelayListener on 127.0.0.1 with an OS-chosen port and a temp spool.</summary>
internal sealed class ListenerHarness : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly TempSpool temp;

    private ListenerHarness(TempSpool temp, Spool spool, RelayListener listener, CapturingLogger<RelayListener> log, X509Certificate2? certificate)
    {
        this.temp = temp;
        Spool = spool;
        Listener = listener;
        Log = log;
        Certificate = certificate;
    }

    public Spool Spool { get; }

    public RelayListener Listener { get; }

    public CapturingLogger<RelayListener> Log { get; }

    public X509Certificate2? Certificate { get; }

    public TempSpool Temp => temp;

    public int Port => Listener.BoundEndPoints[0].Port;

    /// <summary>
    /// Starts a listener. With <paramref name="tls"/> the endpoint gets a certificate (STARTTLS) and
    /// the user "relay-user" with <see cref="Password"/>.
    /// </summary>
    public static async Task<ListenerHarness> StartAsync(bool tls = false, Action<ListenerOptions>? configure = null)
    {
        var temp = new TempSpool();
        var certificate = tls ? TestCertificate.Create() : null;
        var options = new ListenerOptions
        {
            HostName = "relay.test",
            Listen = [new ListenEndpointOptions { Port = 0 }],
            AllowedNetworks = ["127.0.0.0/8", "::1/128"],
        };
        if (certificate is not null)
        {
            options.Listen[0].CertificatePath = TestCertificate.WritePfx(certificate, temp.Root);
            options.Auth.Users.Add(new RelayUserOptions { UserName = "relay-user", PasswordHash = PasswordHasher.Hash(Password, PasswordHasher.MinimumIterations) });
        }

        configure?.Invoke(options);
        var spool = temp.Create();
        var log = new CapturingLogger<RelayListener>();
        var listener = new RelayListener(Options.Create(options), spool, temp.Clock, log);
        try
        {
            await listener.StartAsync(CancellationToken.None);
        }
        catch
        {
            listener.Dispose();
            certificate?.Dispose();
            temp.Dispose();
            throw;
        }

        return new ListenerHarness(temp, spool, listener, log, certificate);
    }

    /// <summary>A MailKit client connected to the listener, trusting only our test certificate.</summary>
    public async Task<SmtpClient> ConnectAsync(SecureSocketOptions security = SecureSocketOptions.None)
    {
        var client = new SmtpClient
        {
            LocalDomain = "client.test",
            CheckCertificateRevocation = false,
            ServerCertificateValidationCallback = (_, presented, _, _) =>
                Certificate is not null && presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString(),
        };
        await client.ConnectAsync("127.0.0.1", Port, security, TestTimeout.Token);
        return client;
    }

    public RawSmtpClient Raw() => RawSmtpClient.Connect(Port);

    /// <summary>A raw client from 127.0.0.2, for a stranger when only 127.0.0.1/32 is allowed.</summary>
    public RawSmtpClient RawFromOutside() => RawSmtpClient.Connect(Port, System.Net.IPAddress.Parse("127.0.0.2"));

    public async Task<IReadOnlyList<Envelope>> QueuedAsync() => await Spool.ListAsync();

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Listener.StopAsync(stop.Token);
        Listener.Dispose();
        Certificate?.Dispose();
        temp.Dispose();
    }
}

/// <summary>A guard against a hung test, not a timing assertion.</summary>
internal static class TestTimeout
{
    public static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
}
