using System.Net;
using DnsClient;
using MailKit.Security;
using SimulatedInternet;

namespace MtaStsRelay.Tests.SimulatedInternet;

public sealed class TestInternetTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private TestInternet _net = null!;

    public async Task InitializeAsync() => _net = await TestInternet.StartAsync(_timeout.Token);

    public async Task DisposeAsync()
    {
        await _net.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task AddMxHostAsync_TwoHosts_OwnLoopbackAddressesOnSharedSmtpPort()
    {
        var mx1 = await _net.AddMxHostAsync("example.test", 10, "mx1.example.test", cancellationToken: _timeout.Token);
        var mx2 = await _net.AddMxHostAsync("example.test", 20, "mx2.example.test", cancellationToken: _timeout.Token);
        var dns = Client();

        var mx = (await dns.QueryAsync("example.test", QueryType.MX, cancellationToken: _timeout.Token)).Answers.MxRecords().OrderBy(r => r.Preference).ToList();
        var address2 = (await dns.QueryAsync("mx2.example.test", QueryType.A, cancellationToken: _timeout.Token)).Answers.ARecords().Single().Address;
        using var client = await MxTestClient.ConnectAsync(
            new IPEndPoint(address2, _net.SmtpPort), "mx2.example.test", _net.Authority.RootCertificate, SecureSocketOptions.StartTls, _timeout.Token);
        await MxTestClient.SendAsync(client, "sender@relay.test", ["rcpt@example.test"], _timeout.Token);

        Assert.Equal(["mx1.example.test.", "mx2.example.test."], mx.Select(r => r.Exchange.Value));
        Assert.Equal(_net.SmtpPort, mx1.Port);
        Assert.Equal(_net.SmtpPort, mx2.Port);
        Assert.NotEqual(mx1.Address, mx2.Address);
        Assert.Equal(mx2.Address, address2);
        Assert.Equal(127, address2.GetAddressBytes()[0]);
        Assert.Single(await mx2.WaitForMessagesAsync(1, _timeout.Token));
        Assert.Empty(mx1.Messages);
    }

    [Fact]
    public async Task PublishPolicy_ThenChangePolicy_UpdatesTxtIdAndBody()
    {
        var dns = Client();
        _net.PublishPolicy("example.test", "1", PolicyText.Enforce("mx1.example.test"));
        _net.ChangePolicy("example.test", "2", PolicyText.Testing("mx1.example.test"));

        var txt = (await dns.QueryAsync("_mta-sts.example.test", QueryType.TXT, cancellationToken: _timeout.Token)).Answers.TxtRecords().Single();
        var a = (await dns.QueryAsync("mta-sts.example.test", QueryType.A, cancellationToken: _timeout.Token)).Answers.ARecords().Single();
        using var http = PolicyClient();
        var body = await http.GetStringAsync(_net.Https.PolicyUri("mta-sts.example.test"), _timeout.Token);

        Assert.Equal("v=STSv1; id=2;", string.Concat(txt.Text));
        Assert.Equal(IPAddress.Loopback, a.Address);
        Assert.Contains("mode: testing", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddUnreachableMxHost_ConnectionIsRefused()
    {
        var address = _net.AddUnreachableMxHost("down.test", 10, "mx.down.test");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);

        var error = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(
            async () => await socket.ConnectAsync(new IPEndPoint(address, _net.SmtpPort), _timeout.Token));

        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public void WriteRootPem_WritesPemIntoDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("simnet-");
        try
        {
            var path = _net.WriteRootPem(directory.FullName);

            var pem = File.ReadAllText(path);
            Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem, StringComparison.Ordinal);
            using var loaded = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
            Assert.Equal(_net.Authority.RootCertificate.Thumbprint, loaded.Thumbprint);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private LookupClient Client() => new(new LookupClientOptions(new NameServer(_net.Dns.EndPoint)) { UseCache = false, Retries = 0 });

    private HttpClient PolicyClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(_net.Https.EndPoint, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
            SslOptions =
            {
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
                {
                    TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { _net.Authority.RootCertificate },
                    RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler);
    }
}
