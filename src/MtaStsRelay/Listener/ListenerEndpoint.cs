using System.Net;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using SmtpServer;

namespace MtaStsRelay.Listener;

/// <summary>One configured endpoint, ready for SmtpServer: parsed address, its certificate (reloaded when its files change), and its definition.</summary>
internal sealed class ListenerEndpoint : IDisposable
{
    private ListenerEndpoint(IEndpointDefinition definition, ReloadingServerCertificate? certificate, bool requireTls)
    {
        Definition = definition;
        Certificate = certificate;
        RequireTls = requireTls;
    }

    /// <summary>The definition handed to SmtpServer; sessions carry this same instance.</summary>
    public IEndpointDefinition Definition { get; }

    /// <summary>The STARTTLS certificate, or null for no STARTTLS.</summary>
    public ReloadingServerCertificate? Certificate { get; }

    /// <summary>Whether MAIL is refused before STARTTLS.</summary>
    public bool RequireTls { get; }

    public static ListenerEndpoint Create(ListenEndpointOptions options, TimeSpan sessionTimeout, ILogger logger)
    {
        var certificate = string.IsNullOrEmpty(options.CertificatePath) ? null : new ReloadingServerCertificate(options, logger);
        var builder = new EndpointDefinitionBuilder()
            .Endpoint(new IPEndPoint(IPAddress.Parse(options.Address), options.Port))
            .SessionTimeout(sessionTimeout)
            .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
            .AllowUnsecureAuthentication(false)
            .AuthenticationRequired(false);
        if (certificate is not null)
        {
            // A certificate without IsSecure means STARTTLS (IsSecure would be implicit TLS, port 465 style).
            builder.Certificate(certificate);
        }

        return new ListenerEndpoint(builder.Build(), certificate, options.RequireTls);
    }

    public void Dispose() => Certificate?.Dispose();
}
