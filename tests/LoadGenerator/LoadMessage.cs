using System.Text;
using MimeKit;

namespace LoadGenerator;

/// <summary>The message every connection sends: plain 7-bit text padded to the requested size as sent.</summary>
internal static class LoadMessage
{
    public const string Sender = "load@load.test";
    private const int LineLength = 76;

    /// <summary>A new message of <paramref name="size"/> bytes as MailKit writes it (±1 line end), for one connection.</summary>
    public static MimeMessage Create(int size, int connection)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(Sender));
        message.To.Add(MailboxAddress.Parse($"user@{SinkDomain.Domain}"));
        message.Subject = $"load test, connection {connection}";
        message.MessageId = $"load-{connection}@load.test";
        message.Date = DateTimeOffset.UnixEpoch;
        message.Body = new TextPart("plain") { Text = "" };
        var padding = Math.Max(0, size - (int)SizeOf(message));
        ((TextPart)message.Body).Text = Padding(padding);
        return message;
    }

    /// <summary>The bytes MailKit would send for <paramref name="message"/>, before dot-stuffing.</summary>
    public static long SizeOf(MimeMessage message)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        using var counter = new MemoryStream();
        message.WriteTo(options, counter);
        return counter.Length;
    }

    private static string Padding(int bytes)
    {
        var text = new StringBuilder(bytes);
        var line = 0;
        while (text.Length + LineLength + 2 <= bytes)
        {
            text.Append((char)('a' + (line++ % 26)), LineLength).Append("\r\n");
        }

        var rest = bytes - text.Length;
        return rest >= 2 ? text.Append('z', rest - 2).Append("\r\n").ToString() : text.ToString();
    }
}
