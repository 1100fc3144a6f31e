using System.Text.Json;
using System.Text.Json.Serialization;

namespace MtaStsRelay.Queue;

/// <summary>
/// The envelope file format: camelCase json, enums as strings, written by source generation so it
/// works trimmed and AOT-compiled. Unknown properties are ignored (an older relay can read a file
/// with extra fields); a missing required property or a different "version" makes the entry unreadable.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Envelope))]
internal sealed partial class EnvelopeJsonContext : JsonSerializerContext;

/// <summary>Reads and writes envelope files through <see cref="EnvelopeJsonContext"/>.</summary>
internal static class EnvelopeFile
{
    /// <summary>The envelope as the bytes of its json file.</summary>
    public static byte[] Serialize(Envelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, EnvelopeJsonContext.Default.Envelope);

    /// <summary>
    /// Reads an envelope file. Throws <see cref="JsonException"/> for bad json, a missing field or
    /// an unsupported version, so the caller can move the entry aside with that reason.
    /// </summary>
    public static Envelope Deserialize(ReadOnlySpan<byte> json)
    {
        var envelope = JsonSerializer.Deserialize(json, EnvelopeJsonContext.Default.Envelope)
            ?? throw new JsonException("the file holds json null");
        if (envelope.Version != Envelope.CurrentVersion)
        {
            throw new JsonException($"unsupported version {envelope.Version} (this relay reads version {Envelope.CurrentVersion})");
        }

        return envelope;
    }
}
