using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SimulatedInternet;

namespace MtaSts.Tests.SimulatedInternet;

public sealed class PolicyHttpsHostTests : IAsyncLifetime
{
    private const string Host = "mta-sts.example.test";
    private const string Policy = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";
    private readonly TestCertificateAuthority _ca = new();
    private PolicyHttpsHost _host = null!;

    public async Task InitializeAsync() => _host = await PolicyHttpsHost.StartAsync(_ca);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _ca.Dispose();
    }

    [Fact]
    public async Task Get_ServedHost_ReturnsBodyOverTrustedTls()
    {
        _host.Serve(Host, Policy);
        using var client = CreateClient();

        using var response = await client.GetAsync(_host.PolicyUri(Host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Policy, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _host.RequestCount(Host));
        var logged = Assert.Single(_host.Requests);
        Assert.Equal(Host, logged.ServerName);
        Assert.Equal(PolicyHttpsHost.PolicyPath, logged.Path);
    }

    [Theory]
    [InlineData(CertificateKind.WrongName)]
    [InlineData(CertificateKind.SelfSigned)]
    [InlineData(CertificateKind.Expired)]
    [InlineData(CertificateKind.None)]
    public async Task Get_BadCertificateKind_FailsTlsValidation(CertificateKind kind)
    {
        _host.Serve(Host, new PolicyResponse { Body = Policy, Certificate = kind });
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(_host.PolicyUri(Host)));

        Assert.True(error.InnerException is AuthenticationException or IOException, error.ToString());
        Assert.Equal(0, _host.RequestCount(Host));
    }

    [Fact]
    public async Task Get_ValidCertificateForOtherHost_StillValidForThisOne()
    {
        _host.Serve("mta-sts.other.test", new PolicyResponse { Body = Policy, Certificate = CertificateKind.WrongName });
        _host.Serve(Host, Policy);
        using var client = CreateClient();

        using var response = await client.GetAsync(_host.PolicyUri(Host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("mta-sts.unknown.test", PolicyHttpsHost.PolicyPath)]
    [InlineData(Host, "/other.txt")]
    public async Task Get_UnservedHostOrPath_Returns404(string host, string path)
    {
        _host.Serve(Host, Policy);
        using var client = CreateClient();

        using var response = await client.GetAsync(new Uri($"https://{host}:{_host.Port}{path}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_ScriptedStatusAndContentType_AreSent()
    {
        _host.Serve(Host, new PolicyResponse { Body = "<html/>", Status = 503, ContentType = "text/html" });
        using var client = CreateClient();

        using var response = await client.GetAsync(_host.PolicyUri(Host));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_Redirect_ReturnsLocationWithoutFollowing()
    {
        _host.Serve(Host, PolicyResponse.Redirect("https://elsewhere.test/.well-known/mta-sts.txt"));
        using var client = CreateClient();

        using var response = await client.GetAsync(_host.PolicyUri(Host));

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(new Uri("https://elsewhere.test/.well-known/mta-sts.txt"), response.Headers.Location);
    }

    [Fact]
    public async Task Get_BodySize_PadsPolicyToExactLength()
    {
        _host.Serve(Host, new PolicyResponse { Body = Policy, BodySize = (64 * 1024) + 1 });
        using var client = CreateClient();

        var body = await client.GetByteArrayAsync(_host.PolicyUri(Host));

        Assert.Equal((64 * 1024) + 1, body.Length);
        Assert.StartsWith(Policy, System.Text.Encoding.ASCII.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_WhileRequestDelayed_EndsRequestPromptly()
    {
        _host.Serve(Host, new PolicyResponse { Body = Policy, Delay = TimeSpan.FromHours(1) });
        using var client = CreateClient();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pending = client.GetAsync(_host.PolicyUri(Host), bound.Token);
        while (_host.RequestCount(Host) == 0)
        {
            await Task.Delay(10, bound.Token);
        }

        await _host.DisposeAsync().AsTask().WaitAsync(bound.Token);

        // The delayed request never gets its policy: the connection ends without a 200.
        var outcome = await Record.ExceptionAsync(async () =>
        {
            using var response = await pending;
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.True(outcome is null or HttpRequestException, outcome?.ToString());
        Assert.False(bound.IsCancellationRequested);
    }

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            // Every host name lives on the test host's port: never ask the OS resolver.
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(_host.EndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { _ca.RootCertificate },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }
}
