using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MtaStsRelay.Delivery.Dsn;
using MtaStsRelay.Diagnostics;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Delivery;

/// <summary>
/// Sends delivery status notifications by spooling them like any other message (null sender, one
/// recipient: the original sender), so a bounce is as durable as the mail it reports on and is
/// retried the same way. Never for a null sender: that is how bounce loops are avoided.
/// </summary>
public sealed class BounceSender(Spool spool, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<BounceSender> logger)
{
    /// <summary>Spools one failure DSN for <paramref name="failed"/>; does nothing for a null sender.</summary>
    public async Task SendFailureAsync(Envelope envelope, IReadOnlyList<(QueuedRecipient Recipient, RecipientVerdict Verdict, DeliveryAttempt Attempt)> failed, CancellationToken cancellationToken)
    {
        var recipients = failed.Select(f => new DsnRecipient(
            f.Recipient.Address, f.Verdict.Status, f.Verdict.Reply, f.Attempt?.MxHost, Explain(f.Verdict, f.Attempt), f.Recipient.CompletedAt)).ToList();
        await SendAsync(envelope, DsnKind.Failure, recipients, null, cancellationToken);
    }

    /// <summary>Spools one delay notice for the pending recipients; returns whether one was sent.</summary>
    public async Task<bool> SendDelayAsync(Envelope envelope, IReadOnlyList<DeliveryAttempt> attempts, DateTimeOffset retryUntil, CancellationToken cancellationToken)
    {
        var recipients = envelope.Recipients.Where(r => r.Status == RecipientStatus.Pending).Select(r =>
        {
            var attempt = attempts.FirstOrDefault(a => a.Recipients.Any(v => v.Address == r.Address));
            var verdict = attempt?.Recipients.First(v => v.Address == r.Address);
            return new DsnRecipient(r.Address, verdict?.Status ?? "4.0.0", r.LastReply, attempt?.MxHost,
                verdict is null ? "still being retried" : Explain(verdict, attempt!), time.GetUtcNow());
        }).ToList();
        return await SendAsync(envelope, DsnKind.Delay, recipients, retryUntil, cancellationToken);
    }

    private static string Explain(RecipientVerdict verdict, DeliveryAttempt? attempt) =>
        verdict.FailureType is not null && attempt is not null && attempt.Failure is { } failure && attempt.PolicyMode is "enforce" or "testing" or "require-tls"
            ? DsnBuilder.DescribeStsRefusal(attempt.PolicyMode, failure)
            : verdict.Reply;

    private async Task<bool> SendAsync(Envelope envelope, DsnKind kind, IReadOnlyList<DsnRecipient> recipients, DateTimeOffset? retryUntil, CancellationToken cancellationToken)
    {
        if (!DsnBuilder.ShouldNotify(envelope.Sender) || recipients.Count == 0)
        {
            return false;
        }

        var reportingMta = string.IsNullOrWhiteSpace(options.Value.HeloName) ? Environment.MachineName : options.Value.HeloName!;
        var request = new DsnRequest(envelope.QueueId, envelope.Sender, envelope.ArrivedAt, reportingMta, kind, recipients,
            spool.MessagePath(envelope.QueueId), retryUntil);
        var message = DsnBuilder.Build(request, time.GetUtcNow());
        using var buffer = new MemoryStream();
        // CRLF like every other queued message, whatever the platform's newline.
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        await message.WriteToAsync(format, buffer, cancellationToken);
        var dsnId = spool.NewQueueId();
        await spool.EnqueueAsync(new EnvelopeDraft(dsnId, "", [envelope.Sender], null, null),
            new ReadOnlySequence<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), cancellationToken);
        DeliveryLog.DsnQueued(logger, envelope.QueueId, kind.ToString().ToLowerInvariant(), dsnId, envelope.Sender, string.Join(',', recipients.Select(r => r.Address)));
        return true;
    }
}
