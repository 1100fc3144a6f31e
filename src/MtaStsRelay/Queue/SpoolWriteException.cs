namespace MtaStsRelay.Queue;

/// <summary>
/// A message could not be stored durably (disk full, permissions, I/O error). Nothing of it is
/// left visible in the queue; the listener answers 451 so the client keeps the message and retries.
/// </summary>
public sealed class SpoolWriteException : IOException
{
    /// <summary>Creates the exception for <paramref name="queueId"/>.</summary>
    public SpoolWriteException(string queueId, string message, Exception? innerException)
        : base(message, innerException)
    {
        QueueId = queueId;
    }

    /// <summary>The id the message would have had.</summary>
    public string QueueId { get; }
}
