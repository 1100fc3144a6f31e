using System.Security.Cryptography.X509Certificates;

namespace MtaStsRelay.Listener;

/// <summary>
/// Loads an endpoint's STARTTLS certificate: PEM (certificate and key in one file, or the key in
/// <c>KeyPath</c>, optionally encrypted) or PFX/PKCS#12. Throws with a reason an admin can act on.
/// </summary>
internal static class ServerCertificateLoader
{
    public static X509Certificate2 Load(ListenEndpointOptions endpoint)
    {
        var path = endpoint.CertificatePath ?? throw new InvalidOperationException("no certificate configured");
        var certificate = IsPem(path) ? LoadPem(path, endpoint.KeyPath, endpoint.CertificatePassword)
            : X509CertificateLoader.LoadPkcs12FromFile(path, endpoint.CertificatePassword);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException("the certificate has no private key (set KeyPath, or use a PFX that holds the key)");
        }

        // SChannel cannot use the ephemeral key of a PEM-loaded certificate for TLS; a PKCS#12 round
        // trip gives it a persisted one. Not needed on Linux or macOS.
        if (OperatingSystem.IsWindows())
        {
            using var loaded = certificate;
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }

        return certificate;
    }

    private static X509Certificate2 LoadPem(string certificatePath, string? keyPath, string? password) =>
        string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[64];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read).TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal);
    }
}
