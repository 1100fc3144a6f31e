using System.Text.Json.Serialization;

namespace MtaStsRelay.Control;

/// <summary>What an operator command asks the running relay to do.</summary>
internal enum ControlAction
{
    /// <summary>Deliver one message (or all with <see cref="ControlRequest.All"/>) now.</summary>
    QueueRetry,

    /// <summary>Remove a message without a bounce.</summary>
    QueueDelete,

    /// <summary>Fail the pending recipients now and send the sender one DSN.</summary>
    QueueBounce,

    /// <summary>Look up the TXT record and fetch the policy now, and store it.</summary>
    PolicyRefresh,

    /// <summary>Remove a domain's policy from the cache (disk and memory).</summary>
    PolicyForget,
}

/// <summary>
/// One request, written by a command as <c>control/&lt;id&gt;.request</c> in the spool folder. It is
/// only valid until <see cref="ExpiresAt"/>: by then the command has stopped waiting, and a request
/// applied later would surprise the operator who was told it did not happen.
/// </summary>
internal sealed record ControlRequest
{
    /// <summary>32 hex digits (a Guid), also the file name; results are matched by it.</summary>
    public required string Id { get; init; }

    /// <summary>What to do.</summary>
    public required ControlAction Action { get; init; }

    /// <summary>The message, for the queue actions (unless <see cref="All"/>).</summary>
    public string? QueueId { get; init; }

    /// <summary>Every queued message (retry only).</summary>
    public bool All { get; init; }

    /// <summary>The recipient domain, normalized, for the policy actions.</summary>
    public string? Domain { get; init; }

    /// <summary>When the command stops waiting; the relay drops the request after that.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>What the request is about, for logs: the queue id, <c>all</c>, or the domain.</summary>
    [JsonIgnore]
    public string Target => Domain ?? (All ? "all" : QueueId ?? "-");

    /// <summary>A new request id.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>True for the shape of <see cref="NewId"/>, so a file name can be trusted as an id.</summary>
    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}

/// <summary>
/// The answer, written by whoever applied the request (the relay, or the command itself when the
/// relay is stopped), so both ways print the same. Exit codes as the commands document them.
/// </summary>
/// <param name="ExitCode">0 done, 1 not found or nothing to do (or could not be done), 2 usage, 3 no answer in time.</param>
/// <param name="Lines">What to tell the operator, one line each.</param>
internal sealed record ControlResult(int ExitCode, IReadOnlyList<string> Lines)
{
    /// <summary>The command took its request back unseen (set by the command, never sent).</summary>
    [JsonIgnore]
    public bool Withdrawn { get; init; }

    public const int Done = 0;
    public const int NothingDone = 1;
    public const int UsageError = 2;
    public const int NoAnswer = 3;

    public static ControlResult Ok(params string[] lines) => new(Done, lines);

    public static ControlResult Nothing(params string[] lines) => new(NothingDone, lines);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, WriteIndented = true)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResult))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
