using System.Text;
using MimeKit.Utils;

namespace MtaStsRelay.Delivery.Dsn;

/// <summary>The human-readable first part of a report: what happened, to whom, and why.</summary>
internal static class DsnText
{
    public static string Compose(DsnRequest request)
    {
        var text = new StringBuilder();
        text.Append("This is the mail relay at ").Append(request.ReportingMta).Append(".\n\n");
        if (request.Kind == DsnKind.Failure)
        {
            text.Append("Your message could not be delivered to the recipients below.\n")
                .Append("The relay has given up; the message was not delivered to them and will not be.\n\n");
        }
        else
        {
            text.Append("Your message has not yet been delivered to the recipients below.\n")
                .Append("The relay will keep trying")
                .Append(request.WillRetryUntil is { } until ? $" until {DateUtils.FormatDate(until)}" : "")
                .Append(". You do not need to send it again.\n\n");
        }

        foreach (var recipient in request.Recipients)
        {
            AppendRecipient(text, recipient);
        }

        text.Append("Queue ID: ").Append(request.QueueId).Append('\n')
            .Append("Arrived:  ").Append(DateUtils.FormatDate(request.ArrivedAt)).Append('\n');
        text.Append("\nThe headers of your message are attached.\n");
        // CRLF already: the transport relays bytes as they are, whatever the writer's newline setting.
        return text.ToString().ReplaceLineEndings("\r\n");
    }

    private static void AppendRecipient(StringBuilder text, DsnRecipient recipient)
    {
        text.Append('<').Append(recipient.Address).Append(">\n");
        text.Append("    ").Append(recipient.Reason).Append('\n');
        if (!string.IsNullOrWhiteSpace(recipient.DiagnosticCode))
        {
            text.Append("    ")
                .Append(string.IsNullOrWhiteSpace(recipient.RemoteMta) ? "The remote server" : recipient.RemoteMta.TrimEnd('.'))
                .Append(" said: ").Append(recipient.DiagnosticCode.ReplaceLineEndings(" ").Trim()).Append('\n');
        }

        text.Append('\n');
    }
}
