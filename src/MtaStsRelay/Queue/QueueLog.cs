using Microsoft.Extensions.Logging;

namespace MtaStsRelay.Queue;

/// <summary>
/// One log method per queue event, fixed event ids 1000–1099, the queue id (or file) on every
/// line so an operator can follow a message with grep.
/// </summary>
internal static partial class QueueLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "{QueueId}: spooled, {Size} bytes, {RecipientCount} recipients")]
    public static partial void Spooled(this ILogger logger, string queueId, long size, int recipientCount);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "{QueueId}: could not write to the spool, nothing was queued")]
    public static partial void SpoolWriteFailed(this ILogger logger, string queueId, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "{QueueId}: envelope updated")]
    public static partial void Updated(this ILogger logger, string queueId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "{QueueId}: removed from the queue")]
    public static partial void Completed(this ILogger logger, string queueId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Moved {File} to {CorruptFolder}: {Reason}")]
    public static partial void MovedToCorrupt(this ILogger logger, string file, string corruptFolder, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Removed {File}: an unfinished write from before the restart, never acknowledged")]
    public static partial void StrayTempFileRemoved(this ILogger logger, string file);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Removed {File}: a message without its envelope, never acknowledged or already completed")]
    public static partial void OrphanMessageRemoved(this ILogger logger, string file);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Recovered {Count} queued messages from {SpoolPath} ({Corrupt} moved to corrupt, {Removed} unfinished files removed)")]
    public static partial void Recovered(this ILogger logger, int count, string spoolPath, int corrupt, int removed);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Skipped {File} while listing the queue: {Reason}")]
    public static partial void UnreadableEntrySkipped(this ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "Could not move {File} to the corrupt folder; it stays where it is")]
    public static partial void CorruptMoveFailed(this ILogger logger, string file, Exception exception);
}
