using Microsoft.Extensions.Logging;

namespace MtaStsRelay.Listener;

/// <summary>
/// One log method per listener event, fixed event ids 1100–1199. Accepted messages carry the queue
/// id; refusals carry the client address, so both can be followed with grep. Text the client chose
/// (addresses, user names) goes through <see cref="LogText.Bounded"/> first.
/// </summary>
internal static partial class ListenerLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "{QueueId}: queued from {Client}, sender <{Sender}>, {RecipientCount} recipients, {Size} bytes")]
    public static partial void Queued(this ILogger logger, string queueId, string client, string sender, int recipientCount, long size);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Relay access denied to {Client} for <{Recipient}> (not in Relay:AllowedNetworks, not authenticated)")]
    public static partial void RelayDenied(this ILogger logger, string client, string recipient);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "MAIL refused from {Client}: this endpoint requires STARTTLS first")]
    public static partial void TlsRequired(this ILogger logger, string client);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "RCPT <{Recipient}> refused from {Client}: more than {Limit} recipients in one message")]
    public static partial void TooManyRecipients(this ILogger logger, string client, string recipient, int limit);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "{QueueId}: message from {Client} not queued, answered 451")]
    public static partial void SpoolFailed(this ILogger logger, string queueId, string client, Exception exception);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Connection from {Client} refused: {Limit} sessions open (Relay:Limits:MaxSessions)")]
    public static partial void TooManySessions(this ILogger logger, string client, int limit);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "AUTH failed for user '{UserName}' from {Client}")]
    public static partial void AuthenticationFailed(this ILogger logger, string userName, string client);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "AUTH succeeded for user '{UserName}' from {Client}")]
    public static partial void Authenticated(this ILogger logger, string userName, string client);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Information, Message = "Listening on {EndPoint} (STARTTLS {StartTls}, TLS required {RequireTls})")]
    public static partial void Listening(this ILogger logger, string endPoint, bool startTls, bool requireTls);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Information, Message = "Session from {Client} failed: {Reason}")]
    public static partial void SessionFaulted(this ILogger logger, string client, string reason);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Address <{Address}> refused from {Client}: non-ASCII addresses need SMTPUTF8, which is not offered")]
    public static partial void NonAsciiAddress(this ILogger logger, string client, string address);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Message or command line from {Client} refused: more than {Limit} bytes (Relay:Limits:MaxMessageSize)")]
    public static partial void MessageTooLarge(this ILogger logger, string client, int limit);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Debug, Message = "Error reply to {Client}: {Code} {Text}")]
    public static partial void ErrorReply(this ILogger logger, string client, int code, string text);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Information, Message = "Address of {Length} characters refused from {Client}: longer than RFC 5321 allows")]
    public static partial void AddressTooLong(this ILogger logger, string client, int length);

    [LoggerMessage(EventId = 1115, Level = LogLevel.Warning, Message = "Could not turn off Nagle's algorithm on {EndPoint} (SmtpServer changed?): replies to pipelined commands may wait for delayed ACKs")]
    public static partial void NagleNotDisabled(this ILogger logger, string endPoint);

    [LoggerMessage(EventId = 1116, Level = LogLevel.Information, Message = "Listener certificate {Path} reloaded: {Subject}, expires {NotAfter:u}")]
    public static partial void CertificateReloaded(this ILogger logger, string path, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 1117, Level = LogLevel.Warning, Message = "Listener certificate {Path} changed but cannot be loaded: {Reason}; still using {Subject}, expires {NotAfter:u}")]
    public static partial void CertificateReloadFailed(this ILogger logger, string path, string reason, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 1118, Level = LogLevel.Warning, Message = "Connection from {Client} refused with 554: not in Relay:AllowedNetworks, and no Relay:Auth:Users to log in as")]
    public static partial void ConnectionDenied(this ILogger logger, string client);

    [LoggerMessage(EventId = 1119, Level = LogLevel.Warning, Message = "Connection from {Client} refused: {Limit} sessions from outside Relay:AllowedNetworks open (half of Relay:Limits:MaxSessions)")]
    public static partial void TooManyOutsiderSessions(this ILogger logger, string client, int limit);

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "AUTH for user '{UserName}' from {Client} answered 454: {Limit} password checks already running")]
    public static partial void AuthBusy(this ILogger logger, string userName, string client, int limit);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Warning, Message = "AUTH from {Client} locked out for {LockTime}: {Failures} failures within {Window}")]
    public static partial void AuthLockStarted(this ILogger logger, string client, TimeSpan lockTime, int failures, TimeSpan window);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Information, Message = "AUTH for user '{UserName}' from {Client} answered 454 without a check: locked out after repeated failures")]
    public static partial void AuthLockedOut(this ILogger logger, string userName, string client);

    [LoggerMessage(EventId = 1123, Level = LogLevel.Warning, Message = "Command line from {Client} refused with 500 and the connection closed: no line end within {Limit} bytes")]
    public static partial void CommandLineTooLong(this ILogger logger, string client, int limit);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "Listener stopped")]
    public static partial void Stopped(this ILogger logger);
}
