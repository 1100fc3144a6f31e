namespace MtaStsRelay.Queue;

/// <summary>
/// What the listener knows about a message before it is queued. The queue id comes from
/// <see cref="Spool.NewQueueId"/> first, because the listener writes it into the Received header.
/// </summary>
/// <param name="QueueId">A fresh id from <see cref="Spool.NewQueueId"/>.</param>
/// <param name="Sender">The reverse path; "" is the null sender &lt;&gt; (bounces, RFC 5321 §4.5.5).</param>
/// <param name="Recipients">The accepted forward paths, in RCPT order.</param>
/// <param name="ClientAddress">The client's IP address as text, for logs and the operator.</param>
/// <param name="HeloName">The name the client gave in EHLO/HELO.</param>
public sealed record EnvelopeDraft(
    string QueueId,
    string Sender,
    IReadOnlyList<string> Recipients,
    string? ClientAddress,
    string? HeloName);
