using Microsoft.Extensions.Logging;
using MtaStsRelay.Diagnostics;
using SmtpServer;
using SmtpServer.Protocol;

namespace MtaStsRelay.Listener;

/// <summary>
/// Follows a session through SmtpServer's events: remembers the EHLO/HELO name (for the envelope
/// and the Received header) and logs the error replies the library sends by itself.
/// </summary>
internal static class SessionEvents
{
    public static void Watch(ISessionContext context, ILogger logger, int maxMessageSize, RelayMetrics? metrics)
    {
        context.CommandExecuting += (_, e) => Remember(e.Context, e.Command);
        context.ResponseException += (_, e) =>
        {
            var response = e.Exception.Response;
            if (response.ReplyCode == SmtpReplyCode.SizeLimitExceeded)
            {
                logger.MessageTooLarge(SessionInfo.ClientText(e.Context), maxMessageSize);
                metrics?.Refused(RefusalReason.TooLarge);
            }

            logger.ErrorReply(SessionInfo.ClientText(e.Context), (int)response.ReplyCode, LogText.Bounded(response.Message));
        };
    }

    private static void Remember(ISessionContext context, SmtpCommand command)
    {
        switch (command)
        {
            case EhloCommand ehlo:
                context.Properties[SessionInfo.HeloKey] = ehlo.DomainOrAddress;
                context.Properties[SessionInfo.EsmtpKey] = true;
                break;
            case HeloCommand helo:
                context.Properties[SessionInfo.HeloKey] = helo.DomainOrAddress;
                context.Properties[SessionInfo.EsmtpKey] = false;
                break;
        }
    }
}
