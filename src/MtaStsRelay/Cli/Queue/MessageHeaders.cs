using System.Text;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Cli.Queue;

/// <summary>
/// The header section of a queued message (RFC 5322 §2.1: everything before the first empty line),
/// read from the spool as stored, for <c>queue show</c>. Each field keeps its folded lines, so the
/// operator sees exactly what goes out; at most <see cref="MaxBytes"/> are read.
/// </summary>
internal static class MessageHeaders
{
    public const int MaxBytes = 256 * 1024;

    /// <summary>The header fields (each with its continuation lines), or null when the message is gone.</summary>
    public static IReadOnlyList<HeaderField>? TryRead(Spool spool, string queueId)
    {
        byte[] head;
        try
        {
            using var stream = spool.OpenMessage(queueId);
            head = new byte[(int)Math.Min(stream.Length, MaxBytes)];
            stream.ReadExactly(head);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // completed (delivered, deleted) since the envelope was read
        }

        return Parse(Encoding.UTF8.GetString(head));
    }

    /// <summary>Splits a header section into fields; a line starting with space or tab continues the field before it.</summary>
    public static IReadOnlyList<HeaderField> Parse(string text)
    {
        var fields = new List<HeaderField>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                break; // end of the header section
            }

            if (line[0] is ' ' or '\t' && fields.Count > 0)
            {
                fields[^1] = fields[^1] with { Lines = [.. fields[^1].Lines, line] };
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            fields.Add(new HeaderField(colon > 0 ? line[..colon] : "", [line]));
        }

        return fields;
    }
}

/// <summary>One header field: its name and its lines as stored (the first holds the name).</summary>
internal sealed record HeaderField(string Name, IReadOnlyList<string> Lines)
{
    /// <summary>The value unfolded (RFC 5322 §2.2.3): the lines joined, without the name.</summary>
    public string Value
    {
        get
        {
            var joined = string.Concat(Lines);
            var colon = joined.IndexOf(':', StringComparison.Ordinal);
            return (colon >= 0 ? joined[(colon + 1)..] : joined).Trim();
        }
    }
}
