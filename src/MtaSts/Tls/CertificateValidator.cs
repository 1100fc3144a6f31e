using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtaSts.Failures;

namespace MtaSts.Tls;

/// <summary>
/// PKIX validation of a server certificate for a host name (RFC 6125), shared by the policy fetch
/// (RFC 8461 §3.3) and the SMTP transport (§4.2) so both trust exactly the same roots.
/// </summary>
/// <remarks>
/// Trust is the system store plus optional extra roots (<c>Relay:Tls:TrustedRoots</c>), for private
/// PKI and tests; the machine's trust store is never modified. Revocation is not checked: MTA-STS does
/// not require it, and online revocation checks stall deliveries on hosts without OCSP/CRL.
/// Checks run in the order an admin would fix them: expiry, then trust, then the name.
/// </remarks>
public sealed class CertificateValidator
{
    // id-kp-serverAuth (RFC 5280 §4.2.1.12): what SslStream requires of a server's chain on the system store.
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private readonly X509Certificate2Collection _extraRoots;
    private readonly TimeProvider _time;

    /// <summary>Creates a validator that trusts the system store plus <paramref name="extraRoots"/>.</summary>
    public CertificateValidator(IEnumerable<X509Certificate2>? extraRoots = null, TimeProvider? time = null)
    {
        _extraRoots = [.. extraRoots ?? []];
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The extra roots trusted beside the system store.</summary>
    public X509Certificate2Collection ExtraRoots => _extraRoots;

    /// <summary>
    /// Loads a validator whose extra roots come from a PEM bundle; a null or empty path means the
    /// system store only. Throws <see cref="InvalidOperationException"/> naming the file when it is
    /// missing or holds no certificate.
    /// </summary>
    public static CertificateValidator FromPemFile(string? pemPath, TimeProvider? time = null)
    {
        if (string.IsNullOrWhiteSpace(pemPath))
        {
            return new CertificateValidator(null, time);
        }

        if (!File.Exists(pemPath))
        {
            throw new InvalidOperationException($"Trusted roots file '{pemPath}' does not exist.");
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(pemPath);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"Trusted roots file '{pemPath}' is not a PEM certificate bundle: {e.Message}", e);
        }

        if (roots.Count == 0)
        {
            throw new InvalidOperationException($"Trusted roots file '{pemPath}' holds no PEM certificate.");
        }

        return new CertificateValidator(roots, time);
    }

    /// <summary>
    /// Validates what a TLS handshake presented. <paramref name="chain"/> and
    /// <paramref name="errors"/> are the values SslStream hands a validation callback.
    /// </summary>
    public CertificateVerdict Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, string host)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return Fail(FailureType.CertificateNotTrusted, $"{host} presented no certificate");
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var now = _time.GetUtcNow();
        if (now < leaf.NotBefore.ToUniversalTime() || now > leaf.NotAfter.ToUniversalTime())
        {
            return Fail(FailureType.CertificateExpired,
                $"certificate of {host} is valid from {leaf.NotBefore.ToUniversalTime():u} to {leaf.NotAfter.ToUniversalTime():u}, not now");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) && ChainToExtraRoot(leaf, chain) is { } refused)
        {
            return Fail(FailureType.CertificateNotTrusted, refused.HasFlag(X509ChainStatusFlags.NotValidForUsage)
                ? $"certificate of {host} (issuer '{leaf.Issuer}') is not valid for TLS server authentication (its extended key usage lacks serverAuth)"
                : $"certificate of {host} (issuer '{leaf.Issuer}') does not chain to a trusted root{DescribeChain(chain)}");
        }

        var name = host.TrimEnd('.');
        if (!leaf.MatchesHostname(name, allowWildcards: true, allowCommonName: false))
        {
            return Fail(FailureType.CertificateHostMismatch,
                $"certificate of {host} is for '{DescribeNames(leaf)}', not for {name}");
        }

        return CertificateVerdict.Valid;
    }

    /// <summary>
    /// Re-validates a chain against the extra roots only (the system store already said no): null when
    /// it is trusted, else the chain's status flags.
    /// </summary>
    private X509ChainStatusFlags? ChainToExtraRoot(X509Certificate2 leaf, X509Chain? presented)
    {
        if (_extraRoots.Count == 0)
        {
            return X509ChainStatusFlags.UntrustedRoot;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        // The same purpose SslStream demands on the system-store path: a clientAuth-only leaf under a
        // private root is not a server certificate.
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf)
            ? null
            : chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
    }

    private static string DescribeChain(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus
            .Where(s => s.Status != X509ChainStatusFlags.NoError)
            .Select(s => s.Status.ToString())
            .Distinct()
            .ToList();
        return statuses is { Count: > 0 } ? $" ({string.Join(", ", statuses)})" : "";
    }

    private static string DescribeNames(X509Certificate2 leaf)
    {
        foreach (var extension in leaf.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                var names = san.EnumerateDnsNames().ToList();
                if (names.Count > 0)
                {
                    return string.Join(", ", names);
                }
            }
        }

        return leaf.Subject;
    }

    private static CertificateVerdict Fail(FailureType type, string reason) => new(new StsFailure(type, reason));
}
