using System.Buffers;
using Microsoft.Extensions.Logging;
using MtaStsRelay.Diagnostics;
using MtaStsRelay.Queue;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MtaStsRelay.Listener;

/// <summary>
/// The end of DATA: spool the message with a Received header on top, and only then answer 250
/// with its queue id. Every failure is an answer, never an exception: an exception from SaveAsync
/// becomes a bare 554 in SmtpServer 11.1 (a permanent refusal of a message we should have taken),
/// and an SmtpResponseException there sends no reply at all (libraries.md §1).
/// </summary>
internal sealed class SpoolingMessageStore(Spool spool, string hostName, TimeProvider time, ILogger logger, RelayMetrics? metrics) : IMessageStore
{
    public async Task<SmtpResponse> SaveAsync(
        ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        // The id comes first: the Received header names it.
        var queueId = spool.NewQueueId();
        var client = SessionInfo.ClientText(context);
        try
        {
            var draft = new EnvelopeDraft(
                queueId,
                SessionInfo.Address(transaction.From),
                Recipients(transaction),
                SessionInfo.ClientAddress(context)?.ToString(),
                SessionInfo.Helo(context));
            var message = MessageBytes.Prepend(TraceHeader(context, queueId), buffer);

            var envelope = await spool.EnqueueAsync(draft, message, cancellationToken).ConfigureAwait(false);

            logger.Queued(queueId, client, LogText.Bounded(envelope.Sender), envelope.Recipients.Count, envelope.Size);
            metrics?.Accepted();
            return new SmtpResponse(SmtpReplyCode.Ok, $"2.0.0 Ok: queued as {queueId}");
        }
        catch (OperationCanceledException)
        {
            metrics?.Refused(RefusalReason.ShuttingDown);
            return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.2 Shutting down, try again later");
        }
        catch (Exception exception)
        {
            // SpoolWriteException in practice; anything else is a bug, but the client must still
            // hear 451 and keep the message.
            logger.SpoolFailed(queueId, client, exception);
            metrics?.Refused(RefusalReason.SpoolError);
            return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Could not queue the message, try again later");
        }
    }

    private byte[] TraceHeader(ISessionContext context, string queueId)
    {
        var protocol = ReceivedHeader.Protocol(
            SessionInfo.IsEsmtp(context), context.Pipe.IsSecure, context.Authentication.IsAuthenticated);
        return ReceivedHeader.Format(
            SessionInfo.Helo(context), SessionInfo.ClientAddress(context), hostName, protocol, queueId, time.GetUtcNow());
    }

    /// <summary>
    /// The accepted recipients, each once: a client that repeats an RCPT must not get two copies.
    /// The domain is compared without case (RFC 5321 §2.4), the local part exactly.
    /// </summary>
    private static List<string> Recipients(IMessageTransaction transaction)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var recipients = new List<string>(transaction.To.Count);
        foreach (var address in transaction.To.Select(SessionInfo.Address))
        {
            var at = address.LastIndexOf('@');
            var key = at < 0 ? address : address[..(at + 1)] + QueuedRecipient.DomainOf(address);
            if (seen.Add(key))
            {
                recipients.Add(address);
            }
        }

        return recipients;
    }
}
