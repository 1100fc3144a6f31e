using System.Text.Json.Serialization;

namespace MtaStsRelay.Queue;

/// <summary>
/// One RCPT TO of a queued message and its own delivery state. State is per recipient so that a
/// partly delivered message is never sent twice to the same recipient (architecture.md, Guarantees).
/// Mutable: the delivery worker updates it and then persists the envelope with <see cref="Spool.UpdateAsync"/>.
/// </summary>
public sealed class QueuedRecipient
{
    /// <summary>The forward path as received (<c>local@domain</c>).</summary>
    public required string Address { get; init; }

    /// <summary>Pending until delivered or failed for good.</summary>
    public RecipientStatus Status { get; set; } = RecipientStatus.Pending;

    /// <summary>The last SMTP reply (or local reason) for this recipient, for logs and DSNs.</summary>
    public string? LastReply { get; set; }

    /// <summary>The last MTA-STS / TLS failure type, as an RFC 8460 result-type string (e.g. <c>certificate-expired</c>).</summary>
    public string? LastFailureType { get; set; }

    /// <summary>When the recipient became <see cref="RecipientStatus.Delivered"/> or <see cref="RecipientStatus.Failed"/>.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The domain part, lower-cased: what MX lookup and MTA-STS policy are keyed on.</summary>
    [JsonIgnore]
    public string Domain => DomainOf(Address);

    /// <summary>
    /// The part after the last <c>@</c>, lower-cased (domains are case-insensitive, RFC 5321 §2.4).
    /// An address without <c>@</c> (RFC 5321 allows a bare <c>&lt;Postmaster&gt;</c>) has the domain "".
    /// </summary>
    public static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? string.Empty : address[(at + 1)..].ToLowerInvariant();
    }
}
