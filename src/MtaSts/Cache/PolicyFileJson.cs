using System.Text.Json.Serialization;

namespace MtaSts.Cache;

/// <summary>
/// The on-disk shape of a cached policy. The policy is kept as text and parsed again when loaded,
/// so an entry written by an older version (or edited by hand) is held to today's parser rules.
/// </summary>
internal sealed record PolicyFileJson(
    int Version,
    string Domain,
    string Id,
    DateTimeOffset FetchedAt,
    DateTimeOffset ExpiresAt,
    string Policy);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(PolicyFileJson))]
internal sealed partial class PolicyFileJsonContext : JsonSerializerContext;
