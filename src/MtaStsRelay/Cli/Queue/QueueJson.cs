using System.Text.Json.Serialization;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Cli.Queue;

/// <summary><c>queue list --json</c>: schema 1 (docs/operations.md). Fields are only ever added.</summary>
internal sealed record QueueListJson(int Schema, string Spool, int Count, IReadOnlyList<QueuedMessageJson> Messages);

/// <summary><c>queue show --json</c>: the message as in the list, plus its header fields.</summary>
internal sealed record QueueShowJson(int Schema, QueuedMessageJson Message, IReadOnlyList<HeaderJson> Headers);

/// <summary>One queued message.</summary>
internal sealed record QueuedMessageJson(
    string QueueId,
    string Sender,
    DateTimeOffset ArrivedAt,
    long AgeSeconds,
    long Size,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset ExpiresAt,
    string? LastError,
    string? ClientAddress,
    string? HeloName,
    bool DelayNoticeSent,
    IReadOnlyList<string> Pending,
    IReadOnlyList<RecipientJson> Recipients)
{
    public static QueuedMessageJson From(Envelope e, RetrySchedule schedule, DateTimeOffset now) => new(
        e.QueueId, e.Sender, e.ArrivedAt, (long)(now - e.ArrivedAt).TotalSeconds, e.Size, e.Attempts, e.NextAttemptAt,
        schedule.ExpiresAt(e), e.LastError, e.ClientAddress, e.HeloName, e.DelayNoticeSent,
        [.. e.Recipients.Where(r => r.Status == RecipientStatus.Pending).Select(r => r.Address)],
        [.. e.Recipients.Select(r => new RecipientJson(r.Address, r.Status.ToString().ToLowerInvariant(), r.LastReply, r.LastFailureType, r.CompletedAt))]);
}

/// <summary>One recipient and its state: pending, delivered or failed.</summary>
internal sealed record RecipientJson(string Address, string Status, string? LastReply, string? LastFailureType, DateTimeOffset? CompletedAt);

/// <summary>One header field, unfolded.</summary>
internal sealed record HeaderJson(string Name, string Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(QueueListJson))]
[JsonSerializable(typeof(QueueShowJson))]
internal sealed partial class QueueJsonContext : JsonSerializerContext;
