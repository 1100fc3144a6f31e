using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SimulatedInternet;

/// <summary>
/// A private root CA that lives only in memory: it issues the certificates of the simulated MX and
/// policy hosts, and tests trust it explicitly (X509ChainPolicy CustomRootTrust, or Relay:Tls:TrustedRoots
/// via <see cref="WriteRootPem"/>). The machine's trust store is never touched.
/// </summary>
/// <remarks>
/// Everything is ECDSA P-256: an ECDsa CA cannot sign an RSA request through
/// <c>CertificateRequest.Create(X509Certificate2, …)</c>. Issued certificates carry their private key and
/// are round-tripped through PKCS#12 so SslStream can use them as server certificates.
/// </remarks>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private readonly X509Certificate2 _caWithKey;
    private readonly Lock _signing = new();

    /// <summary>Creates a fresh root CA valid from a year ago to ten years ahead.</summary>
    public TestCertificateAuthority(string commonName = "SimulatedInternet Test Root CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O=SimulatedInternet", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Leaves may be back-dated (expired ones by 60 days) and must lie inside the CA's validity.
        var now = DateTimeOffset.UtcNow;
        using (var created = request.CreateSelfSigned(now.AddDays(-365), now.AddYears(10)))
        {
            _caWithKey = RoundTrip(created);
        }

        RootCertificate = X509CertificateLoader.LoadCertificate(_caWithKey.RawData);
        RootPem = PemEncoding.WriteString("CERTIFICATE", _caWithKey.RawData) + "\n";
    }

    /// <summary>The root certificate without its private key: add it to a CustomTrustStore.</summary>
    public X509Certificate2 RootCertificate { get; }

    /// <summary>The root certificate in PEM ("-----BEGIN CERTIFICATE-----…").</summary>
    public string RootPem { get; }

    /// <summary>Writes <see cref="RootPem"/> to <paramref name="path"/> (e.g. for Relay:Tls:TrustedRoots).</summary>
    public void WriteRootPem(string path) => File.WriteAllText(path, RootPem, Encoding.ASCII);

    /// <summary>
    /// A server certificate signed by this CA for the given DNS names (SAN; wildcards such as
    /// <c>*.example.test</c> allowed), valid from a day ago to 30 days ahead.
    /// </summary>
    public X509Certificate2 IssueServerCertificate(params string[] dnsNames)
    {
        var now = DateTimeOffset.UtcNow;
        return IssueServerCertificate(dnsNames, now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>A server certificate signed by this CA with an explicit validity window.</summary>
    public X509Certificate2 IssueServerCertificate(IReadOnlyList<string> dnsNames, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Issue(dnsNames, notBefore, notAfter, ServerAuth);

    /// <summary>
    /// A CA-signed certificate for <paramref name="dnsName"/> whose extended key usage is clientAuth only:
    /// right name, trusted issuer, but not for TLS servers (a client certificate presented by a server).
    /// </summary>
    public X509Certificate2 IssueClientAuthOnly(string dnsName)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue([dnsName], now.AddDays(-1), now.AddDays(30), ClientAuth);
    }

    private X509Certificate2 Issue(IReadOnlyList<string> dnsNames, DateTimeOffset notBefore, DateTimeOffset notAfter, Oid extendedKeyUsage)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        if (dnsNames.Count == 0)
        {
            throw new ArgumentException("At least one DNS name is required.", nameof(dnsNames));
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = CreateLeafRequest(dnsNames, key, extendedKeyUsage);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_caWithKey, true, false));
        X509Certificate2 issued;
        lock (_signing)
        {
            issued = request.Create(_caWithKey, notBefore, notAfter, NewSerialNumber());
        }

        using (issued)
        {
            return RoundTrip(issued.CopyWithPrivateKey(key));
        }
    }

    /// <summary>A CA-signed certificate for <paramref name="dnsName"/> that expired yesterday (valid 60 to 1 days ago).</summary>
    public X509Certificate2 IssueExpired(string dnsName)
    {
        var now = DateTimeOffset.UtcNow;
        return IssueServerCertificate([dnsName], now.AddDays(-60), now.AddDays(-1));
    }

    /// <summary>A self-signed server certificate for <paramref name="dnsName"/>, not issued by any test CA.</summary>
    public static X509Certificate2 CreateSelfSigned(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = CreateLeafRequest([dnsName], key, ServerAuth);
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return RoundTrip(created);
    }

    /// <summary>Disposes the CA's key and root certificate.</summary>
    public void Dispose()
    {
        _caWithKey.Dispose();
        RootCertificate.Dispose();
    }

    private static CertificateRequest CreateLeafRequest(IReadOnlyList<string> dnsNames, ECDsa key, Oid extendedKeyUsage)
    {
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([extendedKeyUsage], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive INTEGER
        serial[0] |= 0x01; // and no leading zero byte
        return serial;
    }

    // A PKCS#12 round trip gives a certificate whose key SslStream can use on every platform.
    private static X509Certificate2 RoundTrip(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
