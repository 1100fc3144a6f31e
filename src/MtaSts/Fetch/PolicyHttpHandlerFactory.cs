using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MtaSts.Dns;
using MtaSts.Tls;

namespace MtaSts.Fetch;

/// <summary>
/// The HTTP stack of the policy fetch: no redirects, no proxy, no cookies, no decompression; names
/// resolved through DnsClient (never the OS) and connected on the configured port, each address with a
/// bounded share of the fetch's time (<see cref="PolicyHostConnector"/>); certificates
/// checked by <see cref="CertificateValidator"/>, whose verdict is kept per host so a failed handshake
/// can be reported with its precise reason.
/// </summary>
internal sealed class PolicyHttpHandlerFactory(HostAddressResolver resolver, CertificateValidator validator, int port, PolicyHostConnector connector)
{
    private readonly ConcurrentDictionary<string, (CertificateVerdict Verdict, PresentedCertificate Certificate)> _lastHandshake =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The verdict and certificate of the latest handshake with <paramref name="host"/>, if any.</summary>
    public (CertificateVerdict Verdict, PresentedCertificate Certificate)? LastHandshake(string host) =>
        _lastHandshake.TryGetValue(host, out var seen) ? seen : null;

    public SocketsHttpHandler Create() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        MaxResponseHeadersLength = 16, // KiB; a policy host has no reason to send more
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = ConnectAsync,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = ValidateCertificate,
        },
    };

    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? "";
        var verdict = validator.Validate(certificate, chain, errors, host);
        if (certificate is not null)
        {
            var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            _lastHandshake[host] = (verdict, new PresentedCertificate(leaf.Subject, leaf.Issuer, leaf.NotAfter.ToUniversalTime()));
        }

        return verdict.IsValid;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await resolver.ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        if (addresses.Count == 0)
        {
            throw new DnsLookupException($"DNS has no A or AAAA record for {context.DnsEndPoint.Host}");
        }

        DateTimeOffset? deadline = context.InitialRequestMessage.Options.TryGetValue(PolicyHostConnector.DeadlineKey, out var end) ? end : null;
        return await connector.ConnectAsync(addresses, port, deadline, cancellationToken);
    }
}
