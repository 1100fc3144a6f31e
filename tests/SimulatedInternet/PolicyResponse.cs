using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SimulatedInternet;

/// <summary>
/// How <see cref="PolicyHttpsHost"/> answers <c>GET /.well-known/mta-sts.txt</c> for one host
/// (RFC 8461 §3.3), and which certificate that host presents. Defaults: 200, text/plain, no delay,
/// a CA-issued certificate for the name.
/// </summary>
public sealed record PolicyResponse
{
    /// <summary>The body as text (sent as UTF-8). Ignored when <see cref="BodyBytes"/> is set.</summary>
    public string? Body { get; init; }

    /// <summary>The body as raw bytes (e.g. invalid UTF-8).</summary>
    public byte[]? BodyBytes { get; init; }

    /// <summary>
    /// Pads the body to exactly this many bytes with <c>x-padding: xxx…</c> lines, which a policy parser
    /// ignores as unknown fields, so only a size limit (RFC 8461 §3.3 suggests 64 KiB) can reject it.
    /// </summary>
    public int? BodySize { get; init; }

    /// <summary>HTTP status code; 200 by default.</summary>
    public int Status { get; init; } = 200;

    /// <summary>Content-Type header; "text/plain" by default, null sends none.</summary>
    public string? ContentType { get; init; } = "text/plain";

    /// <summary>Location header, for redirects (RFC 8461 §3.3 forbids following them).</summary>
    public string? Location { get; init; }

    /// <summary>Wait this long before answering (timeout tests); cut short when the host is disposed.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Answer only once this task completes: keeps a fetch in flight for exactly as long as a test
    /// needs, however slow the machine (a <see cref="Delay"/> would be a guess). Cut short like Delay.
    /// </summary>
    public Task? HoldUntil { get; init; }

    /// <summary>The certificate this host presents (chosen by SNI).</summary>
    public CertificateKind Certificate { get; init; } = CertificateKind.Valid;

    /// <summary>A certificate to present instead of <see cref="Certificate"/>; must carry its private key.</summary>
    public X509Certificate2? CustomCertificate { get; init; }

    /// <summary>A 200 text/plain answer with this policy text.</summary>
    public static PolicyResponse Ok(string body) => new() { Body = body };

    /// <summary>A redirect (301 by default) to <paramref name="location"/>.</summary>
    public static PolicyResponse Redirect(string location, int status = 301) =>
        new() { Status = status, Location = location, Body = "" };

    /// <summary>An error status with a short text body.</summary>
    public static PolicyResponse Error(int status) => new() { Status = status, Body = $"status {status}\n" };

    /// <summary>The exact bytes to send.</summary>
    public byte[] RenderBody()
    {
        var body = BodyBytes ?? Encoding.UTF8.GetBytes(Body ?? "");
        return BodySize is { } size ? Pad(body, size) : body;
    }

    private static byte[] Pad(byte[] body, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        const string Field = "x-padding: ";
        const int MinLine = 12; // Field + "\n"
        var padding = new StringBuilder();
        if (body.Length > 0 && body[^1] != (byte)'\n')
        {
            padding.Append('\n');
        }

        var room = size - body.Length - padding.Length;
        if (room is > 0 and < MinLine)
        {
            padding.Append('\n', room);
        }
        else if (room >= MinLine)
        {
            // Lines of 80-159 bytes: "x-padding: " + filler + "\n", summing exactly to the room left.
            var lines = Math.Max(1, room / 80);
            for (var i = 0; i < lines; i++)
            {
                var length = (room / lines) + (i < room % lines ? 1 : 0);
                padding.Append(Field).Append('x', length - MinLine).Append('\n');
            }
        }

        byte[] bytes = [.. body, .. Encoding.ASCII.GetBytes(padding.ToString())];
        return bytes.Length > size ? bytes[..size] : bytes;
    }
}
