using Microsoft.Extensions.Logging;
using MtaStsRelay.Diagnostics;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MtaStsRelay.Listener;

/// <summary>
/// Decides, per MAIL and RCPT, whether this client may hand us mail. The relay is open to the
/// allowed networks and to authenticated users only; anyone else is refused at RCPT, before any
/// data is taken, so nothing from them is ever queued.
/// </summary>
/// <remarks>
/// Refusals are thrown as <see cref="SmtpResponseException"/>: returning false would always give
/// 550, while the right codes here are 530, 554, 452 and 553. SmtpServer appends
/// ", N retry(ies) remaining." to such replies and closes the session after MaxRetryCount
/// refusals in a row, which RelayListener sets above MaxRecipients so that the 452s of one
/// oversized batch never end the session before DATA.
/// </remarks>
internal sealed class RelayAccessFilter(
    AllowedNetworks allowedNetworks,
    Func<IEndpointDefinition, bool> requiresTls,
    int maxRecipients,
    ILogger logger,
    RelayMetrics? metrics) : IMailboxFilter
{
    private const int MaxPathLength = 256;

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        if (requiresTls(context.EndpointDefinition) && !context.Pipe.IsSecure)
        {
            logger.TlsRequired(SessionInfo.ClientText(context));
            metrics?.Refused(RefusalReason.TlsRequired);
            throw Refuse(530, "5.7.0 Must issue a STARTTLS command first");
        }

        RefuseMalformed(context, from);
        context.Properties[SessionInfo.RecipientCountKey] = 0;
        return Task.FromResult(true);
    }

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        if (!MayRelay(context))
        {
            logger.RelayDenied(SessionInfo.ClientText(context), LogText.Bounded(SessionInfo.Address(to)));
            metrics?.Refused(RefusalReason.RelayDenied);
            throw Refuse(554, "5.7.1 Relay access denied");
        }

        RefuseMalformed(context, to);
        var accepted = context.Properties.TryGetValue(SessionInfo.RecipientCountKey, out var value) && value is int count ? count : 0;
        if (accepted >= maxRecipients)
        {
            // 452, not 5xx: RFC 5321 §4.5.3.1.10, the client sends the rest in another transaction.
            logger.TooManyRecipients(SessionInfo.ClientText(context), LogText.Bounded(SessionInfo.Address(to)), maxRecipients);
            metrics?.Refused(RefusalReason.TooManyRecipients);
            throw Refuse(452, "4.5.3 Too many recipients");
        }

        context.Properties[SessionInfo.RecipientCountKey] = accepted + 1;
        return Task.FromResult(true);
    }

    /// <summary>
    /// An allowed network, or a successful AUTH (only possible over TLS with a configured user, see
    /// <see cref="RelayUserAuthenticator"/>).
    /// </summary>
    private bool MayRelay(ISessionContext context) =>
        context.Authentication.IsAuthenticated || allowedNetworks.Contains(SessionInfo.ClientAddress(context));

    /// <summary>
    /// What SmtpServer's parser lets through but we must not queue: UTF-8 addresses it has mangled
    /// (see <see cref="SessionInfo.IsAscii"/>), and paths over RFC 5321's 256 octets (§4.5.3.1.3),
    /// which the parser accepts up to the command-line limit (<see cref="CommandLineLimitReader"/>,
    /// 16 KiB) and which would bloat every envelope.
    /// </summary>
    private void RefuseMalformed(ISessionContext context, IMailbox mailbox)
    {
        // Length first: the non-ASCII refusal logs the address.
        var address = SessionInfo.Address(mailbox);
        if (address.Length > MaxPathLength)
        {
            logger.AddressTooLong(SessionInfo.ClientText(context), address.Length);
            metrics?.Refused(RefusalReason.AddressTooLong);
            throw Refuse(501, "5.1.3 Address longer than 256 characters");
        }

        if (!SessionInfo.IsAscii(mailbox))
        {
            logger.NonAsciiAddress(SessionInfo.ClientText(context), LogText.Bounded(address));
            metrics?.Refused(RefusalReason.NonAsciiAddress);
            throw Refuse(553, "5.6.7 Non-ASCII addresses are not supported; use an A-label (xn--) domain");
        }
    }

    private static SmtpResponseException Refuse(int code, string text) => new(new SmtpResponse((SmtpReplyCode)code, text));
}
