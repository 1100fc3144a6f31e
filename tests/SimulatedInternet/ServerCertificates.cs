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

    private X509Certificate2 Create(string host, CertificateKind kind) => kind switch
    {
        CertificateKind.Valid => authority.IssueServerCertificate(host),
        CertificateKind.WrongName => authority.IssueServerCertificate(WrongName),
        CertificateKind.SelfSigned => TestCertificateAuthority.CreateSelfSigned(host),
        CertificateKind.Expired => authority.IssueExpired(host),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
