using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MtaStsRelay.Tests.SimulatedInternet;

/// <summary>MailKit pointed at a simulated MX: connects to its address, validates for the MX name, trusts only the test CA.</summary>
internal static class MxTestClient
{
    public static async Task<SmtpClient> ConnectAsync(
        IPEndPoint endPoint, string mxName, X509Certificate2 trustedRoot, SecureSocketOptions security, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint, cancellationToken);
        var client = new SmtpClient
        {
            LocalDomain = "relay.test",
            CheckCertificateRevocation = false,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            Timeout = 30_000,
            ServerCertificateValidationCallback = (_, certificate, _, errors) => TrustOnly(trustedRoot, certificate, errors),
        };
        try
        {
            await client.ConnectAsync(socket, mxName, endPoint.Port, security, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
    }

    public static MimeMessage Message(string from, params string[] to)
    {
        var message = new MimeMessage { Subject = "simulated internet test" };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.AddRange(to.Select(MailboxAddress.Parse));
        message.Body = new TextPart("plain") { Text = "Hello over loopback.\r\n.leading dot line\r\n" };
        return message;
    }

    public static Task SendAsync(SmtpClient client, string from, string[] to, CancellationToken cancellationToken) =>
        client.SendAsync(Message(from, to), MailboxAddress.Parse(from), to.Select(MailboxAddress.Parse), cancellationToken);

    // The name check is left to SslStream's verdict; the chain must lead to the test CA.
    private static bool TrustOnly(X509Certificate2 root, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
