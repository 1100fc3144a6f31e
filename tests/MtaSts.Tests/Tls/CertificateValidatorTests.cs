using System.Net.Security;
using Microsoft.Extensions.Time.Testing;
using MtaSts.Failures;
using MtaSts.Tls;
using SimulatedInternet;

namespace MtaSts.Tests.Tls;

public sealed class CertificateValidatorTests : IDisposable
{
    private const string Host = "mta-sts.example.test";
    private readonly TestCertificateAuthority _ca = new();
    private readonly CertificateValidator _validator;

    public CertificateValidatorTests() => _validator = new CertificateValidator([_ca.RootCertificate]);

    public void Dispose() => _ca.Dispose();

    [Fact]
    public async Task Validate_CertificateFromExtraRootForHost_IsValid()
    {
        using var certificate = _ca.IssueServerCertificate(Host);

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, Host);

        Assert.True(verdict.IsValid, verdict.Failure?.ToString());
        Assert.Same(CertificateVerdict.Valid, verdict);
    }

    [Fact]
    public async Task Validate_ClientAuthOnlyCertificateFromExtraRoot_IsNotTrusted()
    {
        // Right name, trusted private root, but issued for TLS clients: not a server certificate.
        using var certificate = _ca.IssueClientAuthOnly(Host);

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, Host);

        Assert.False(verdict.IsValid);
        Assert.Equal(FailureType.CertificateNotTrusted, verdict.Failure?.Type);
        Assert.Contains("server authentication", verdict.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_HostWithTrailingDot_IsValid()
    {
        using var certificate = _ca.IssueServerCertificate(Host);

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, Host + ".");

        Assert.True(verdict.IsValid, verdict.Failure?.ToString());
    }

    [Fact]
    public async Task Validate_UpperCaseHost_IsValid()
    {
        using var certificate = _ca.IssueServerCertificate(Host);

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, "MTA-STS.Example.TEST");

        Assert.True(verdict.IsValid, verdict.Failure?.ToString());
    }

    [Fact]
    public async Task Validate_WrongName_IsHostMismatchNamingBoth()
    {
        using var certificate = _ca.IssueServerCertificate("other.example.test");

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, Host);

        Assert.Equal(FailureType.CertificateHostMismatch, verdict.Failure?.Type);
        Assert.Contains("other.example.test", verdict.Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains(Host, verdict.Failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.example.test", "mta-sts.example.test", true)]
    [InlineData("*.example.test", "MX1.Example.Test", true)]
    [InlineData("*.example.test", "example.test", false)] // a wildcard covers exactly one label
    [InlineData("*.example.test", "a.mta-sts.example.test", false)]
    [InlineData("*.other.test", "mta-sts.example.test", false)]
    public async Task Validate_WildcardCertificate_MatchesOneLabel(string certificateName, string host, bool valid)
    {
        using var certificate = _ca.IssueServerCertificate(certificateName);

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, host, sniName: host);

        Assert.Equal(valid, verdict.IsValid);
        if (!valid)
        {
            Assert.Equal(FailureType.CertificateHostMismatch, verdict.Failure?.Type);
        }
    }

    [Fact]
    public async Task Validate_Expired_IsCertificateExpired()
    {
        using var certificate = _ca.IssueExpired(Host);

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, Host);

        Assert.Equal(FailureType.CertificateExpired, verdict.Failure?.Type);
        Assert.Contains(Host, verdict.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ExpiredAndWrongName_ReportsExpiryFirst()
    {
        var now = DateTimeOffset.UtcNow;
        using var certificate = _ca.IssueServerCertificate(["other.example.test"], now.AddDays(-30), now.AddDays(-2));

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, Host);

        Assert.Equal(FailureType.CertificateExpired, verdict.Failure?.Type);
    }

    [Fact]
    public async Task Validate_ClockPastNotAfter_IsExpired()
    {
        using var certificate = _ca.IssueServerCertificate(Host);
        var clock = new FakeTimeProvider(certificate.NotAfter.ToUniversalTime().AddMinutes(1));
        var validator = new CertificateValidator([_ca.RootCertificate], clock);

        var verdict = await TlsHandshake.ValidateAsync(certificate, validator, Host);

        Assert.Equal(FailureType.CertificateExpired, verdict.Failure?.Type);
    }

    [Fact]
    public async Task Validate_ClockBeforeNotBefore_IsExpired()
    {
        using var certificate = _ca.IssueServerCertificate(Host);
        var clock = new FakeTimeProvider(certificate.NotBefore.ToUniversalTime().AddMinutes(-1));
        var validator = new CertificateValidator([_ca.RootCertificate], clock);

        var verdict = await TlsHandshake.ValidateAsync(certificate, validator, Host);

        Assert.Equal(FailureType.CertificateExpired, verdict.Failure?.Type);
        Assert.Contains("not now", verdict.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SelfSigned_IsNotTrusted()
    {
        using var certificate = TestCertificateAuthority.CreateSelfSigned(Host);

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, Host);

        Assert.Equal(FailureType.CertificateNotTrusted, verdict.Failure?.Type);
        Assert.Contains("does not chain to a trusted root", verdict.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_IssuedByAnotherCa_IsNotTrusted()
    {
        using var otherCa = new TestCertificateAuthority("Another Test CA");
        using var certificate = otherCa.IssueServerCertificate(Host);

        var verdict = await TlsHandshake.ValidateAsync(certificate, _validator, Host);

        Assert.Equal(FailureType.CertificateNotTrusted, verdict.Failure?.Type);
        Assert.Contains("Another Test CA", verdict.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NoExtraRoots_TestCaIsNotTrusted()
    {
        using var certificate = _ca.IssueServerCertificate(Host);

        var verdict = await TlsHandshake.ValidateAsync(certificate, new CertificateValidator(), Host);

        Assert.Equal(FailureType.CertificateNotTrusted, verdict.Failure?.Type);
    }

    [Fact]
    public void Validate_NoCertificate_IsNotTrusted()
    {
        var verdict = _validator.Validate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, Host);

        Assert.Equal(FailureType.CertificateNotTrusted, verdict.Failure?.Type);
        Assert.Contains("presented no certificate", verdict.Failure!.Reason, StringComparison.Ordinal);
    }
}
