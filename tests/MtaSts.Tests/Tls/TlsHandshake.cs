using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MtaSts.Tls;

namespace MtaSts.Tests.Tls;

/// <summary>
/// Runs one real TLS handshake on loopback and hands the client callback's certificate, chain and
/// errors to a <see cref="CertificateValidator"/>, as SslStream does in production.
/// </summary>
internal static class TlsHandshake
{
    /// <summary>The verdict on <paramref name="serverCertificate"/> for <paramref name="host"/> (SNI <paramref name="sniName"/>).</summary>
    public static async Task<CertificateVerdict> ValidateAsync(
        X509Certificate2 serverCertificate, CertificateValidator validator, string host, string? sniName = null)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        var accepting = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await accepting;

        CertificateVerdict? verdict = null;
        await using var serverTls = new SslStream(server.GetStream());
        await using var clientTls = new SslStream(client.GetStream(), false, (_, certificate, chain, errors) =>
        {
            verdict = validator.Validate(certificate, chain, errors, host);
            return true; // complete the handshake whatever the verdict; the test asserts on it
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(
            serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = serverCertificate }, timeout.Token),
            clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = sniName ?? host.TrimEnd('.') }, timeout.Token));
        return verdict ?? throw new InvalidOperationException("the validation callback did not run");
    }
}
