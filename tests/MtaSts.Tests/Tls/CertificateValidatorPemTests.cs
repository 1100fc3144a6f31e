using MtaSts.Tls;
using SimulatedInternet;

namespace MtaSts.Tests.Tls;

public sealed class CertificateValidatorPemTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mtasts-pem-").FullName;
    private readonly TestCertificateAuthority _ca = new();

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task FromPemFile_RootBundle_TrustsItsCa()
    {
        var path = Path.Combine(_folder, "roots.pem");
        _ca.WriteRootPem(path);
        using var certificate = _ca.IssueServerCertificate("mta-sts.example.test");

        var validator = CertificateValidator.FromPemFile(path);
        var verdict = await TlsHandshake.ValidateAsync(certificate, validator, "mta-sts.example.test");

        Assert.Equal(_ca.RootCertificate.Thumbprint, Assert.Single(validator.ExtraRoots).Thumbprint);
        Assert.True(verdict.IsValid, verdict.Failure?.ToString());
    }

    [Fact]
    public void FromPemFile_SeveralCertificates_LoadsEach()
    {
        using var other = new TestCertificateAuthority("Second Root");
        var path = Path.Combine(_folder, "bundle.pem");
        File.WriteAllText(path, "# a comment line\n" + _ca.RootPem + other.RootPem);

        var validator = CertificateValidator.FromPemFile(path);

        Assert.Equal(2, validator.ExtraRoots.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void FromPemFile_NoPath_HasNoExtraRoots(string? path)
    {
        Assert.Empty(CertificateValidator.FromPemFile(path).ExtraRoots);
    }

    [Fact]
    public void FromPemFile_MissingFile_ThrowsNamingFile()
    {
        var path = Path.Combine(_folder, "missing.pem");

        var error = Assert.Throws<InvalidOperationException>(() => CertificateValidator.FromPemFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")] // empty bundle
    [InlineData("this is not PEM at all\n")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")] // PEM, but no certificate
    public void FromPemFile_NoCertificateInFile_ThrowsNamingFile(string content)
    {
        var path = Path.Combine(_folder, "roots.pem");
        File.WriteAllText(path, content);

        var error = Assert.Throws<InvalidOperationException>(() => CertificateValidator.FromPemFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("holds no PEM certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPemFile_CorruptCertificate_ThrowsNamingFile()
    {
        var path = Path.Combine(_folder, "roots.pem");
        File.WriteAllText(path, "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n");

        var error = Assert.Throws<InvalidOperationException>(() => CertificateValidator.FromPemFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPemFile_BinaryDerFile_ThrowsNamingFile()
    {
        var path = Path.Combine(_folder, "root.der");
        File.WriteAllBytes(path, _ca.RootCertificate.RawData);

        var error = Assert.Throws<InvalidOperationException>(() => CertificateValidator.FromPemFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPemFile_Directory_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CertificateValidator.FromPemFile(_folder));

        Assert.Contains(_folder, error.Message, StringComparison.Ordinal);
    }
}
