using System.Text.Json.Serialization;

namespace MtaStsRelay.Queue;

/// <summary>
/// A queued message's envelope and delivery state, stored as <c>queue/&lt;id&gt;.json</c> next to the
/// message bytes in <c>queue/&lt;id&gt;.eml</c>.
/// </summary>
/// <remarks>
/// A mutable class on purpose: only the delivery stage changes queue state, and it does so by
/// changing this object (attempts, recipient status, next attempt) and persisting it with
/// <see cref="Spool.UpdateAsync"/>. Nobody else should change an envelope they got from the spool.
/// </remarks>
public sealed class Envelope
{
    /// <summary>The file format version written by this code; other versions are not read.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The on-disk format version ("version" in the json), checked on load.</summary>
    [JsonInclude]
    [JsonRequired]
    [JsonPropertyName("version")]
    [JsonPropertyOrder(-1)]
    internal int Version { get; set; } = CurrentVersion;

    /// <summary>Unique, sortable by arrival, also the file name (see <see cref="Queue.QueueId"/>).</summary>
    public required string QueueId { get; init; }

    /// <summary>The reverse path; "" is the null sender &lt;&gt;, to which no bounce is ever sent.</summary>
    public required string Sender { get; init; }

    /// <summary>Every recipient with its own state, in RCPT order.</summary>
    public required List<QueuedRecipient> Recipients { get; init; }

    /// <summary>How many delivery attempts have been made (the delivery worker counts them).</summary>
    public int Attempts { get; set; }

    /// <summary>When the listener accepted the message; the queue lifetime counts from here.</summary>
    public DateTimeOffset ArrivedAt { get; init; }

    /// <summary>When the next delivery attempt is due.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The last error of the message as a whole (e.g. "no MX reachable"), for the operator.</summary>
    public string? LastError { get; set; }

    /// <summary>Whether the "still trying" notice went to the sender already (sent at most once).</summary>
    public bool DelayNoticeSent { get; set; }

    /// <summary>The IP address the message came from.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The EHLO/HELO name the client gave.</summary>
    public string? HeloName { get; init; }

    /// <summary>The size of the stored message in bytes (with the Received header and final CRLF).</summary>
    public long Size { get; init; }

    /// <summary>
    /// The pending recipients grouped by lower-cased domain: one delivery (MX lookup, policy, SMTP
    /// session) per domain. Computed on each call.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, IReadOnlyList<QueuedRecipient>> Domains
    {
        get
        {
            var domains = new Dictionary<string, List<QueuedRecipient>>(StringComparer.Ordinal);
            foreach (var recipient in Recipients.Where(r => r.Status == RecipientStatus.Pending))
            {
                if (!domains.TryGetValue(recipient.Domain, out var list))
                {
                    domains[recipient.Domain] = list = [];
                }

                list.Add(recipient);
            }

            return domains.ToDictionary(d => d.Key, d => (IReadOnlyList<QueuedRecipient>)d.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>True while at least one recipient is <see cref="RecipientStatus.Pending"/>.</summary>
    [JsonIgnore]
    public bool HasPendingRecipients => Recipients.Exists(r => r.Status == RecipientStatus.Pending);
}
