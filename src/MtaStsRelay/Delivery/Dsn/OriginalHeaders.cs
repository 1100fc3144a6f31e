namespace MtaStsRelay.Delivery.Dsn;

/// <summary>
/// Reads the header block of a queued message for the <c>text/rfc822-headers</c> part of a report
/// (RFC 6522 §3): headers only, never the body, and at most <see cref="MaxBytes"/> so a message with
/// a pathological header block cannot make a huge bounce.
/// </summary>
internal static class OriginalHeaders
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>The header block ending in a line break, or null when the file cannot be read.</summary>
    public static byte[]? Read(string messagePath)
    {
        byte[] buffer;
        int length;
        try
        {
            using var file = new FileStream(messagePath, FileMode.Open, FileAccess.Read, FileShare.Read);
            buffer = new byte[MaxBytes];
            length = file.ReadAtLeast(buffer, MaxBytes, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var block = buffer.AsSpan(0, length);
        return WithFinalLineBreak(block[..HeaderBlockLength(block)]);
    }

    /// <summary>Up to and including the line break before the first empty line; else up to the last whole line.</summary>
    private static int HeaderBlockLength(ReadOnlySpan<byte> data)
    {
        var lineStart = 0;
        while (lineStart < data.Length)
        {
            var newline = data[lineStart..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var line = data.Slice(lineStart, newline);
            if (line.IsEmpty || line.SequenceEqual("\r"u8))
            {
                return lineStart;
            }

            lineStart += newline + 1;
        }

        // No empty line: the file is all headers (short) or the block is longer than the cap.
        return data.Length < MaxBytes ? data.Length : lineStart;
    }

    private static byte[] WithFinalLineBreak(ReadOnlySpan<byte> block) =>
        block.IsEmpty || block[^1] == (byte)'\n' ? block.ToArray() : [.. block, (byte)'\r', (byte)'\n'];
}
