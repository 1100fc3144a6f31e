using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace SimulatedInternet;

/// <summary>
/// Hands out (and caches) the certificate of each <see cref="CertificateKind"/> for a host name, so a
/// server presents the same certificate on every handshake and issuing stays off the hot path.
/// </summary>
public sealed class ServerCertificates(TestCertificateAuthority authority) : IDisposable
{
    /// <summary>The only name in <see cref="CertificateKind.WrongName"/> certificates.</summary>
    public const string WrongName = "wrong-name.invalid";

    private readonly ConcurrentDictionary<(string Host, CertificateKind Kind), Lazy<X509Certificate2>> _cache = new();

    /// <summary>The CA that signs every kind except <see cref="CertificateKind.SelfSigned"/>.</summary>
    public TestCertificateAuthority Authority => authority;

    /// <summary>The certificate of <paramref name="kind"/> for <paramref name="host"/>; null for <see cref="CertificateKind.None"/>.</summary>
    public X509Certificate2? For(string host, CertificateKind kind)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (kind == CertificateKind.None)
        {
            return null;
        }

        var key = (host.TrimEnd('.').ToLowerInvariant(), kind);
        return _cache.GetOrAdd(key, k => new Lazy<X509Certificate2>(() => Create(k.Host, k.Kind))).Value;
    }

    /// <summary>Disposes every cached certificate.</summary>
    public void Dispose()
    {
        foreach (var entry in _cache.Values.Where(l => l.IsValueCreated))
        {
            entry.Value.Dispose();
        }

        _cache.Clear();
    }

    /// <summary>
    /// A new certificate of <paramref name="kind"/> for <paramref name="host"/> (null for None).
    /// <paramref name="authority"/> may be null only for SelfSigned and None.
    /// </summary>
    public static X509Certificate2? Create(TestCertificateAuthority? authority, string host, CertificateKind kind)
    {
        if (kind is CertificateKind.None)
        {
            return null;
        }

        if (kind is CertificateKind.SelfSigned)
        {
            return TestCertificateAuthority.CreateSelfSigned(host);
        }

        var ca = authority ?? throw new ArgumentException($"A {kind} certificate needs a TestCertificateAuthority.", nameof(authority));
        return kind switch
        {
            CertificateKind.Valid => ca.IssueServerCertificate(host),
            CertificateKind.WrongName => ca.IssueServerCertificate(WrongName),
            CertificateKind.Expired => ca.IssueExpired(host),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private X509Certificate2 Create(string host, CertificateKind kind) => Create(authority, host, kind)!;
}
