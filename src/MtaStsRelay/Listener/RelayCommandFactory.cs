using SmtpServer;
using SmtpServer.Protocol;

namespace MtaStsRelay.Listener;

/// <summary>SmtpServer's command factory with our EHLO reply; every other command is the library's.</summary>
internal sealed class RelayCommandFactory(bool usersConfigured) : SmtpCommandFactory
{
    public override SmtpCommand CreateEhlo(string domainOrAddress) => new RelayEhloCommand(domainOrAddress, usersConfigured);
}

/// <summary>
/// The EHLO reply: PIPELINING, 8BITMIME, STARTTLS (with a certificate, before TLS), SIZE, and AUTH
/// only when users are configured and the session is already encrypted.
/// </summary>
/// <remarks>
/// SMTPUTF8 is left out although the library always offers it: SmtpServer 11.1 decodes the domain
/// of a UTF-8 address as ASCII, so <c>jörg@bücher.example</c> would be queued for
/// <c>b??cher.example</c> (issue #81). Without SMTPUTF8 a client must send A-labels (RFC 6531
/// §3.2), which work; and RelayAccessFilter refuses the mangled addresses of clients that do not
/// listen. ENHANCEDSTATUSCODES is not offered either: our own replies carry enhanced codes, but the
/// library's do not, and RFC 2034 would require them on every reply.
/// </remarks>
internal sealed class RelayEhloCommand(string domainOrAddress, bool usersConfigured) : EhloCommand(domainOrAddress)
{
    protected override string GetGreeting(ISessionContext context) =>
        $"{context.ServerOptions.ServerName} Hello {DomainOrAddress}";

    protected override IEnumerable<string> GetExtensions(ISessionContext context)
    {
        yield return "PIPELINING";
        yield return "8BITMIME";

        if (!context.Pipe.IsSecure && context.EndpointDefinition.CertificateFactory is not null)
        {
            yield return "STARTTLS";
        }

        if (context.ServerOptions.MaxMessageSizeOptions.Length > 0)
        {
            yield return $"SIZE {context.ServerOptions.MaxMessageSizeOptions.Length}";
        }

        // Never before TLS: the password would cross the network in clear.
        if (usersConfigured && context.Pipe.IsSecure)
        {
            yield return "AUTH PLAIN LOGIN";
        }
    }
}
