using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using MtaSts.Tls;

namespace MtaStsRelay.Transport;

/// <summary>
/// MailKit's SmtpClient bent into a relay: it sends the queued bytes unchanged, records each
/// recipient's reply instead of giving up at the first refusal, and validates the MX certificate
/// with the same <see cref="CertificateValidator"/> the policy fetch uses.
/// </summary>
/// <remarks>
/// <para>Under <see cref="TlsRequirement.Verified"/> a certificate that fails validation fails the
/// handshake, so nothing is sent (RFC 8461 §4.2); the verdict is kept so the caller can report the
/// RFC 8460 failure type rather than a bare "handshake failed".</para>
/// <para>Under <see cref="TlsRequirement.Opportunistic"/> any certificate is accepted (RFC 3207 §4.1:
/// a relay that would fall back to plain text gains nothing by refusing an unverified one), but the
/// verdict is still recorded.</para>
/// </remarks>
internal sealed class RelaySmtpClient : SmtpClient
{
    private readonly SslProtocols _protocols;
    private readonly bool _requireValidCertificate;
    private readonly CertificateValidator _validator;
    private readonly string _mxHost;
    private readonly Dictionary<MailboxAddress, SmtpResponse> _recipientReplies = new(ReferenceEqualityComparer.Instance);

    /// <summary>A client for one session under <paramref name="tls"/>.</summary>
    public RelaySmtpClient(IProtocolLogger protocolLogger, TlsRequirement tls, CertificateValidator validator, string mxHost)
        : this(protocolLogger, validator, mxHost,
            tls == TlsRequirement.Verified ? SslProtocols.Tls12 | SslProtocols.Tls13 : SslProtocols.None,
            requireValidCertificate: tls == TlsRequirement.Verified)
    {
    }

    /// <summary>
    /// A client with explicit TLS settings: <paramref name="protocols"/> None lets the OS choose;
    /// without <paramref name="requireValidCertificate"/> any certificate is accepted and only judged.
    /// </summary>
    public RelaySmtpClient(IProtocolLogger protocolLogger, CertificateValidator validator, string mxHost, SslProtocols protocols, bool requireValidCertificate)
        : base(protocolLogger)
    {
        _protocols = protocols;
        _requireValidCertificate = requireValidCertificate;
        _validator = validator;
        _mxHost = mxHost;

        // Revocation is not part of MTA-STS, and online checks stall on hosts without OCSP/CRL
        // (libraries.md §2: 145 ms against 3 ms per handshake).
        CheckCertificateRevocation = false;

        // MailKit hands its own callback to the SslStream constructor and calls this one from it;
        // setting a callback in the authentication options as well makes SslStream throw.
        ServerCertificateValidationCallback = ValidateServerCertificate;
    }

    /// <summary>The validator's verdict on the certificate the server presented, once the handshake saw one.</summary>
    public CertificateVerdict? Verdict { get; private set; }

    /// <summary>Subject, issuer and expiry of the presented certificate, for the <c>check</c> probe.</summary>
    public (string Subject, string Issuer, DateTimeOffset NotAfter)? PeerCertificate { get; private set; }

    /// <summary>The RCPT reply for each mailbox, keyed by the very instances passed to SendAsync.</summary>
    public IReadOnlyDictionary<MailboxAddress, SmtpResponse> RecipientReplies => _recipientReplies;

    /// <summary>
    /// Under Verified the accepted protocols are TLS 1.2 and 1.3 only (RFC 8461 §4.2); otherwise the
    /// OS decides. The certificate itself is judged by <see cref="ValidateServerCertificate"/>.
    /// </summary>
    protected override SslClientAuthenticationOptions GetSslClientAuthenticationOptions(
        string host, RemoteCertificateValidationCallback remoteCertificateValidationCallback)
    {
        var options = base.GetSslClientAuthenticationOptions(host, remoteCertificateValidationCallback);
        options.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        options.EnabledSslProtocols = _protocols;
        return options;
    }

    /// <summary>
    /// Sends the message exactly as queued: MailKit would otherwise re-encode long lines and 8-bit
    /// parts (libraries.md §2), which breaks DKIM signatures and is not a relay's business.
    /// </summary>
    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
    }

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        _recipientReplies[mailbox] = response;

    /// <summary>Records the refusal; MailKit's default would throw and abandon the accepted recipients too.</summary>
    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        _recipientReplies[mailbox] = response;

    /// <summary>
    /// Ends the transaction with MailKit's own "command failed" exception, so it sends RSET and keeps
    /// the connection for a polite QUIT; the per-recipient replies are already recorded.
    /// </summary>
    protected override void OnNoRecipientsAccepted(MimeMessage message) =>
        throw new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.TransactionFailed, "No recipients were accepted.");

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not null)
        {
            var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            PeerCertificate = (leaf.Subject, leaf.Issuer, new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        }

        Verdict = _validator.Validate(certificate, chain, errors, _mxHost);
        return !_requireValidCertificate || Verdict.IsValid;
    }
}
