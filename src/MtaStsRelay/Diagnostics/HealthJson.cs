using System.Text.Json;

namespace MtaStsRelay.Diagnostics;

/// <summary>
/// The body of <c>/health</c>:
/// <c>{"status":"healthy","checks":[{"name":"listener","healthy":true,"detail":"…"},…]}</c>.
/// Written with <see cref="Utf8JsonWriter"/>: three fixed fields need no serializer.
/// </summary>
internal static class HealthJson
{
    public static byte[] Write(HealthReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Healthy ? "healthy" : "unhealthy");
            json.WriteStartArray("checks");
            foreach (var check in report.Checks)
            {
                json.WriteStartObject();
                json.WriteString("name", check.Name);
                json.WriteBoolean("healthy", check.Healthy);
                json.WriteString("detail", check.Detail);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
