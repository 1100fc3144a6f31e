using MtaSts.Failures;
using MtaStsRelay.Transport;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Transport;

/// <summary>The TLS requirement against each kind of MX certificate (RFC 8461 §4.2, RFC 8460 result types).</summary>
public sealed class SmtpTransportTlsTests(TransportTestKit kit) : IClassFixture<TransportTestKit>
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Fact]
    public async Task SendAsync_VerifiedWithValidCertificate_SentOverTls12OrNewer()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Contains(result.TlsProtocol, new[] { "Tls12", "Tls13" });
        Assert.False(string.IsNullOrEmpty(result.CipherSuite));
        Assert.True(result.CertificateVerified);
        Assert.Null(result.Failure);
        Assert.Null(result.ErrorReason);
        Assert.StartsWith("250 ", result.RemoteReply, StringComparison.Ordinal);
        var received = Assert.Single(mx.Messages);
        Assert.True(received.IsSecure);
        Assert.Equal(["bob@remote.example"], received.Recipients);
        Assert.Equal(TransportTestKit.Sender, received.Sender);
        Assert.Equal("relay.local.example", received.HeloName);
    }

    [Fact]
    public async Task SendAsync_VerifiedWithTrailingDotMxName_StillValidates()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Verified) with { MxHost = "mx.remote.example." }, _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.True(result.CertificateVerified);
    }

    [Fact]
    public async Task SendAsync_VerifiedWithoutStartTls_StartTlsNotSupportedAndNothingSent()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.None);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        Assert.Equal(FailureType.StartTlsNotSupported, result.Failure?.Type);
        Assert.True(result.Connected);
        Assert.Null(result.TlsProtocol);
        Assert.Empty(mx.Messages);
        Assert.Equal(0, mx.RecipientAttempts("bob@remote.example"));
        Assert.All(result.Recipients, r => Assert.Equal(RecipientOutcome.TemporaryFailure, r.Outcome));
    }

    [Theory]
    [InlineData(CertificateKind.WrongName, FailureType.CertificateHostMismatch)]
    [InlineData(CertificateKind.SelfSigned, FailureType.CertificateNotTrusted)]
    [InlineData(CertificateKind.Expired, FailureType.CertificateExpired)]
    public async Task SendAsync_VerifiedWithBadCertificate_FailsWithItsTypeBeforeMailFrom(CertificateKind certificate, FailureType expected)
    {
        await using var mx = await kit.StartMxAsync(certificate);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        Assert.Equal(expected, result.Failure?.Type);
        Assert.False(result.CertificateVerified);
        Assert.Null(result.TlsProtocol);
        Assert.StartsWith("TLS handshake failed: " + expected.ToResultType(), result.ErrorReason, StringComparison.Ordinal);
        Assert.Empty(mx.Messages);
        Assert.Equal(0, mx.RecipientAttempts("bob@remote.example"));
    }

    [Theory]
    [InlineData(CertificateKind.SelfSigned)]
    [InlineData(CertificateKind.WrongName)]
    [InlineData(CertificateKind.Expired)]
    public async Task SendAsync_OpportunisticWithBadCertificate_SentOverTlsButNotVerified(CertificateKind certificate)
    {
        await using var mx = await kit.StartMxAsync(certificate);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Opportunistic), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.False(result.CertificateVerified);
        Assert.NotNull(result.TlsProtocol);
        Assert.Null(result.Failure);
        Assert.True(Assert.Single(mx.Messages).IsSecure);
    }

    [Fact]
    public async Task SendAsync_OpportunisticWithValidCertificate_RecordsVerified()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Opportunistic), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.True(result.CertificateVerified);
    }

    [Fact]
    public async Task SendAsync_OpportunisticWithoutStartTls_SentInPlainText()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.None);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Opportunistic), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Null(result.TlsProtocol);
        Assert.Null(result.CertificateVerified);
        Assert.Null(result.Failure);
        Assert.False(Assert.Single(mx.Messages).IsSecure);
    }

    [Fact]
    public async Task SendAsync_NoneAgainstStartTlsServer_SendsInPlainText()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.None), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Null(result.TlsProtocol);
        Assert.False(Assert.Single(mx.Messages).IsSecure);
    }
}
