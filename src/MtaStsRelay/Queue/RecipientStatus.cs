namespace MtaStsRelay.Queue;

/// <summary>Where one recipient of a queued message stands.</summary>
public enum RecipientStatus
{
    /// <summary>Not delivered yet; the next attempt will try it.</summary>
    Pending,

    /// <summary>The receiving MX accepted it (2xx after DATA); never sent again.</summary>
    Delivered,

    /// <summary>Failed for good (5xx, or the queue lifetime ran out); bounced, never sent again.</summary>
    Failed,
}
