using Microsoft.Extensions.Logging;

namespace MtaStsRelay.Control;

/// <summary>
/// The log of operator actions and of the control mechanism, event ids 5000–5099, so what an
/// operator changed shows in the relay's own log next to the deliveries (grep the queue id).
/// </summary>
internal static partial class ControlLog
{
    [LoggerMessage(5000, LogLevel.Information, "control-request id={RequestId} action={Action} target={Target}")]
    public static partial void Received(ILogger logger, string requestId, ControlAction action, string target);

    [LoggerMessage(5001, LogLevel.Information, "control-answered id={RequestId} action={Action} target={Target} exit={ExitCode}: {Summary}")]
    public static partial void Answered(ILogger logger, string requestId, ControlAction action, string target, int exitCode, string summary);

    [LoggerMessage(5002, LogLevel.Warning, "control-expired id={RequestId} action={Action} target={Target}: the command stopped waiting before the relay got to it; not applied")]
    public static partial void Expired(ILogger logger, string requestId, ControlAction action, string target);

    [LoggerMessage(5003, LogLevel.Warning, "control-unreadable id={RequestId}: {Reason}; not applied")]
    public static partial void Unreadable(ILogger logger, string requestId, string reason);

    [LoggerMessage(5004, LogLevel.Warning, "message-deleted queue_id={QueueId} from={Sender} pending={Pending}; removed by the operator without a bounce")]
    public static partial void MessageDeleted(ILogger logger, string queueId, string sender, string pending);

    [LoggerMessage(5005, LogLevel.Warning, "message-bounced queue_id={QueueId} from={Sender} pending={Pending}; failed by the operator")]
    public static partial void MessageBounced(ILogger logger, string queueId, string sender, string pending);

    [LoggerMessage(5006, LogLevel.Information, "message-retry queue_id={QueueId} outcome={Outcome}; brought forward by the operator")]
    public static partial void MessageRetry(ILogger logger, string queueId, RetryOutcome outcome);

    [LoggerMessage(5007, LogLevel.Information, "control-waiting queue_id={QueueId}: a delivery attempt holds the message; waiting for it to end")]
    public static partial void WaitingForAttempt(ILogger logger, string queueId);

    [LoggerMessage(5008, LogLevel.Warning, "policy-forgotten domain={Domain} policy_id={PolicyId}; removed from the cache by the operator")]
    public static partial void PolicyForgotten(ILogger logger, string domain, string policyId);

    [LoggerMessage(5009, LogLevel.Warning, "control-action-failed action={Action} target={Target}: {Reason}")]
    public static partial void ActionFailed(ILogger logger, ControlAction action, string target, string reason, Exception exception);

    [LoggerMessage(5010, LogLevel.Warning, "control-watch-unavailable folder={Folder}; looking for requests every {IntervalMs} ms instead")]
    public static partial void WatchUnavailable(ILogger logger, string folder, long intervalMs);

    [LoggerMessage(5011, LogLevel.Information, "control-leftovers-removed folder={Folder} count={Count}")]
    public static partial void LeftoversRemoved(ILogger logger, string folder, int count);

    [LoggerMessage(5012, LogLevel.Warning, "spool-lock-waiting path={Path}: held by an operator command or another relay; waiting up to {Wait}")]
    public static partial void LockWaiting(ILogger logger, string path, TimeSpan wait);

    [LoggerMessage(5013, LogLevel.Debug, "spool-lock-acquired path={Path}")]
    public static partial void LockAcquired(ILogger logger, string path);

    [LoggerMessage(5015, LogLevel.Error, "control-folder-error folder={Folder}: {Reason}; operator commands cannot reach the relay until this is fixed (delivery goes on)")]
    public static partial void FolderError(ILogger logger, string folder, string reason);

    [LoggerMessage(5014, LogLevel.Warning, "spool-lock-disabled: .NET file locking is off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING); operator commands will refuse to change the queue")]
    public static partial void LockingDisabled(ILogger logger);
}
