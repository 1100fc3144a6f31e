using System.Net;
using System.Net.Sockets;
using MtaSts.Failures;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Transport;

public sealed class StartTlsProbeTests(TransportTestKit kit) : IClassFixture<TransportTestKit>
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Fact]
    public async Task ProbeAsync_ValidCertificate_PassesWithDetails()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);

        var result = await kit.Probe().ProbeAsync("mx.remote.example.", mx.Address, mx.Port, _timeout);

        Assert.True(result.Passed);
        Assert.True(result.Connected);
        Assert.True(result.StartTlsOffered);
        Assert.Contains(result.TlsProtocol, new[] { "Tls12", "Tls13" });
        Assert.False(string.IsNullOrEmpty(result.CipherSuite));
        Assert.Equal(kit.Authority.RootCertificate.Subject, result.CertificateIssuer);
        Assert.True(result.CertificateNotAfter > DateTimeOffset.UtcNow);
        Assert.Null(result.Error);
        Assert.Empty(mx.Messages);
    }

    [Theory]
    [InlineData(CertificateKind.WrongName, FailureType.CertificateHostMismatch)]
    [InlineData(CertificateKind.SelfSigned, FailureType.CertificateNotTrusted)]
    [InlineData(CertificateKind.Expired, FailureType.CertificateExpired)]
    public async Task ProbeAsync_BadCertificate_FailsButStillReportsTheHandshake(CertificateKind certificate, FailureType expected)
    {
        await using var mx = await kit.StartMxAsync(certificate);

        var result = await kit.Probe().ProbeAsync("mx.remote.example", mx.Address, mx.Port, _timeout);

        Assert.False(result.Passed);
        Assert.Equal(expected, result.Certificate?.Failure?.Type);
        Assert.NotNull(result.TlsProtocol);
        Assert.NotNull(result.CertificateSubject);
    }

    [Fact]
    public async Task ProbeAsync_NoStartTls_ConnectedButNotOffered()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.None);

        var result = await kit.Probe().ProbeAsync("mx.remote.example", mx.Address, mx.Port, _timeout);

        Assert.False(result.Passed);
        Assert.True(result.Connected);
        Assert.False(result.StartTlsOffered);
        Assert.Null(result.Certificate);
        Assert.Equal("STARTTLS not offered", result.Error);
    }

    [Fact]
    public async Task ProbeAsync_ConnectionRefused_NotConnected()
    {
        using var closed = new ClosedPort();

        var result = await kit.Probe().ProbeAsync("mx.remote.example", IPAddress.Loopback, closed.Port, _timeout);

        Assert.False(result.Passed);
        Assert.False(result.Connected);
        Assert.Equal("connection refused", result.Error);
    }

    [Fact]
    public async Task ProbeAsync_GarbageGreeting_NotConnectedWithError()
    {
        await using var broken = await BrokenSmtpServer.StartAsync(BrokenSmtpBehavior.GarbageGreeting);

        var result = await kit.Probe(TransportTestKit.Options(commandSeconds: 30)).ProbeAsync("mx.remote.example", broken.Address, broken.Port, _timeout);

        Assert.False(result.Passed);
        Assert.False(result.Connected);
        Assert.Contains("protocol error", result.Error, StringComparison.Ordinal);
    }
}
