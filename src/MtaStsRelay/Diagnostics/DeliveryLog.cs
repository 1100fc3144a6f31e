using Microsoft.Extensions.Logging;
using MtaSts.Failures;
using MtaStsRelay.Delivery;

namespace MtaStsRelay.Diagnostics;

/// <summary>
/// The delivery log: one line per attempt and recipient domain (event 3000) carrying every field of
/// rules doc §7 as <c>key=value</c>, so an admin can follow a message with <c>grep queue_id=&lt;id&gt;</c>
/// or filter the JSON console format by field. Event ids 3000–3099 are fixed (docs/logging.md).
/// </summary>
internal static partial class DeliveryLog
{
    public static void Attempt(ILogger logger, DeliveryAttempt a)
    {
        var level = a.Result switch
        {
            AttemptResult.Sent => LogLevel.Information,
            AttemptResult.Bounced => LogLevel.Error,
            _ => LogLevel.Warning,
        };
        Attempt(logger, level, a.QueueId, a.Result.ToString().ToLowerInvariant(), a.Domain,
            string.Join(',', a.Recipients.Select(r => r.Address)),
            string.Join(',', a.Recipients.Select(r => r.Status)),
            a.MxHost ?? "-", a.MxAddress ?? "-", a.PolicyMode, a.PolicyId ?? "-", a.PolicySource,
            a.TlsProtocol ?? "none", a.TlsCipher ?? "-", a.CertificateVerified switch { true => "yes", false => "no", null => "-" },
            a.Failure?.Type.ToResultType() ?? "-", (a.Failure?.Reason ?? a.RemoteReply ?? (a.Recipients.Count > 0 ? a.Recipients[0].Reply : "")).ReplaceLineEndings(" "),
            (long)a.Duration.TotalMilliseconds, a.Sender.Length == 0 ? "<>" : a.Sender);
    }

    [LoggerMessage(EventId = 3000, Message = "delivery queue_id={QueueId} result={Result} domain={Domain} to={Recipients} status={Status} mx={MxHost} ip={MxAddress} policy={PolicyMode} policy_id={PolicyId} policy_source={PolicySource} tls={TlsProtocol} cipher={TlsCipher} cert_verified={CertificateVerified} failure={FailureType} reply=\"{Reply}\" duration_ms={DurationMs} from={Sender}")]
    private static partial void Attempt(ILogger logger, LogLevel level, string queueId, string result, string domain, string recipients, string status,
        string mxHost, string mxAddress, string policyMode, string policyId, string policySource, string tlsProtocol, string tlsCipher,
        string certificateVerified, string failureType, string reply, long durationMs, string sender);

    [LoggerMessage(3001, LogLevel.Warning, "mx-skipped queue_id={QueueId} domain={Domain} mx={MxHost} failure={FailureType} reason=\"{Reason}\"")]
    public static partial void MxSkipped(ILogger logger, string queueId, string domain, string mxHost, string failureType, string reason);

    [LoggerMessage(3002, LogLevel.Warning, "mx-failed queue_id={QueueId} domain={Domain} mx={MxHost} ip={MxAddress} failure={FailureType} reason=\"{Reason}\"")]
    public static partial void MxFailed(ILogger logger, string queueId, string domain, string mxHost, string mxAddress, string failureType, string reason);

    [LoggerMessage(3003, LogLevel.Warning, "sts-testing-violation queue_id={QueueId} domain={Domain} policy_id={PolicyId} failure={FailureType} reason=\"{Reason}\"; delivering anyway (mode testing)")]
    public static partial void TestingViolation(ILogger logger, string queueId, string domain, string policyId, string failureType, string reason);

    [LoggerMessage(3004, LogLevel.Information, "plaintext-retry queue_id={QueueId} domain={Domain} mx={MxHost} reason=\"{Reason}\"; no policy applies, retrying without TLS")]
    public static partial void PlainTextRetry(ILogger logger, string queueId, string domain, string mxHost, string reason);

    [LoggerMessage(3005, LogLevel.Information, "message-done queue_id={QueueId} delivered={Delivered} failed={Failed} attempts={Attempts}")]
    public static partial void MessageDone(ILogger logger, string queueId, int delivered, int failed, int attempts);

    [LoggerMessage(3006, LogLevel.Information, "message-deferred queue_id={QueueId} pending={Pending} attempts={Attempts} next_attempt={NextAttempt:u}")]
    public static partial void MessageDeferred(ILogger logger, string queueId, int pending, int attempts, DateTimeOffset nextAttempt);

    [LoggerMessage(3007, LogLevel.Warning, "dsn-queued queue_id={QueueId} kind={Kind} dsn_id={DsnQueueId} to={Sender} recipients={Recipients}")]
    public static partial void DsnQueued(ILogger logger, string queueId, string kind, string dsnQueueId, string sender, string recipients);

    [LoggerMessage(3008, LogLevel.Warning, "message-expired queue_id={QueueId} pending={Pending} arrived={ArrivedAt:u}; queue lifetime reached, bouncing")]
    public static partial void MessageExpired(ILogger logger, string queueId, int pending, DateTimeOffset arrivedAt);

    [LoggerMessage(3009, LogLevel.Error, "delivery-error queue_id={QueueId}: {Reason}; will retry")]
    public static partial void DeliveryError(ILogger logger, string queueId, string reason, Exception exception);

    [LoggerMessage(3014, LogLevel.Error, "delivery-error queue_id={QueueId} domain={Domain}: {Reason}; deferred, will retry")]
    public static partial void DomainError(ILogger logger, string queueId, string domain, string reason, Exception exception);

    [LoggerMessage(3010, LogLevel.Information, "policy-recheck queue_id={QueueId} domain={Domain} old_id={OldId} new_id={NewId}; retrying with the new policy before bouncing")]
    public static partial void PolicyRecheck(ILogger logger, string queueId, string domain, string oldId, string newId);

    [LoggerMessage(3011, LogLevel.Information, "delivery-started recovered={Recovered} max_concurrent={MaxConcurrent}")]
    public static partial void WorkerStarted(ILogger logger, int recovered, int maxConcurrent);

    [LoggerMessage(3013, LogLevel.Warning, "delivery-interrupted queue_id={QueueId}: shutdown grace period over; the message stays queued and is retried at the next start")]
    public static partial void DeliveryInterrupted(ILogger logger, string queueId);

    [LoggerMessage(3012, LogLevel.Information, "delivery-stopping running={Running}; waiting for running deliveries to finish")]
    public static partial void WorkerStopping(ILogger logger, int running);
}
