using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;
using MtaSts.Failures;

namespace MtaStsRelay.Delivery.Dsn;

/// <summary>
/// Builds delivery status notifications (RFC 3464): a <c>multipart/report</c> (RFC 6522) with a
/// text for people, a <c>message/delivery-status</c> for programs, and the original headers.
/// </summary>
/// <remarks>
/// The report comes from <c>MAILER-DAEMON@&lt;reporting host&gt;</c> and must be sent with the null
/// envelope sender (RFC 5321 §4.5.5), so that a report about a report is never made. For the same
/// reason no report is made for a message that itself had the null sender: see
/// <see cref="ShouldNotify"/>. Every part is 7-bit or marked 8bit, because the transport sends bytes
/// as they are and will not re-encode them.
/// </remarks>
public static partial class DsnBuilder
{
    /// <summary>
    /// False for the null sender (<c>&lt;&gt;</c>): RFC 5321 §6.1 and RFC 3464 §2 forbid sending a
    /// notification about a message whose envelope sender is null (bounces, other notifications),
    /// which would otherwise let two servers bounce at each other forever.
    /// </summary>
    public static bool ShouldNotify(string? sender) =>
        !string.IsNullOrWhiteSpace(sender) && sender.Trim() != "<>";

    /// <summary>The sentence for a recipient deferred or bounced because no MX passed the domain's MTA-STS policy.</summary>
    public static string DescribeStsRefusal(string mode, StsFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return $"the recipient domain's MTA-STS policy ({mode}) allows no MX host that offered valid TLS: {failure}";
    }

    /// <summary>Builds the report; <paramref name="now"/> dates it and stands in for a missing last-attempt time.</summary>
    public static MimeMessage Build(DsnRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ShouldNotify(request.OriginalSender))
        {
            throw new ArgumentException("No delivery status notification is sent to the null sender (RFC 5321 §6.1).", nameof(request));
        }

        var report = new MultipartReport("delivery-status")
        {
            HumanReadablePart(request),
            DeliveryStatusPart(request, now),
        };
        if (OriginalHeaders.Read(request.MessagePath) is { } headers)
        {
            report.Add(HeadersPart(headers));
        }

        var message = new MimeMessage
        {
            Subject = request.Kind == DsnKind.Failure ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)",
            Date = now,
            MessageId = MimeUtils.GenerateMessageId(request.ReportingMta),
            Body = report,
        };
        message.From.Add(new MailboxAddress("Mail Delivery System", $"MAILER-DAEMON@{request.ReportingMta}"));
        message.To.Add(new MailboxAddress("", request.OriginalSender.Trim('<', '>', ' ')));
        // RFC 3834 §5: marks the report as automatic so responders do not answer it.
        message.Headers.Add("Auto-Submitted", "auto-replied");
        return message;
    }

    private static TextPart HumanReadablePart(DsnRequest request)
    {
        var text = new TextPart("plain") { Text = DsnText.Compose(request) };
        text.Prepare(EncodingConstraint.SevenBit);
        return text;
    }

    /// <summary>
    /// The machine-readable part, written by hand rather than through MimeKit's
    /// MessageDeliveryStatus, whose serialisation ends in a blank line that parsers read as an
    /// empty extra recipient group. RFC 3464 §2.1: groups separated by one empty line, ASCII only.
    /// </summary>
    private static MimePart DeliveryStatusPart(DsnRequest request, DateTimeOffset now)
    {
        var perMessage = new List<(string, string)>
        {
            ("Reporting-MTA", $"dns; {request.ReportingMta}"),
            ("X-MtaStsRelay-Queue-ID", request.QueueId),
            ("Arrival-Date", DateUtils.FormatDate(request.ArrivedAt)),
        };
        var groups = request.Recipients.Select(r => RecipientGroup(request, r, now)).Prepend(perMessage);
        var text = string.Join("\r\n", groups.Select(g => string.Concat(g.Select(f => $"{f.Item1}: {Ascii(f.Item2)}\r\n"))));
        return new MimePart("message", "delivery-status")
        {
            Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(text), writable: false)),
            ContentTransferEncoding = ContentEncoding.SevenBit,
        };
    }

    private static List<(string, string)> RecipientGroup(DsnRequest request, DsnRecipient recipient, DateTimeOffset now)
    {
        var group = new List<(string, string)>
        {
            ("Final-Recipient", $"rfc822; {recipient.Address}"),
            ("Action", request.Kind == DsnKind.Failure ? "failed" : "delayed"),
            ("Status", StatusCode(recipient.Status, request.Kind)),
        };
        if (!string.IsNullOrWhiteSpace(recipient.RemoteMta))
        {
            group.Add(("Remote-MTA", $"dns; {recipient.RemoteMta.TrimEnd('.')}"));
        }

        if (!string.IsNullOrWhiteSpace(recipient.DiagnosticCode))
        {
            // One line, well under the 998-octet limit of RFC 5322 §2.1.1, even for a long multi-line reply.
            var reply = recipient.DiagnosticCode.ReplaceLineEndings(" ").Trim();
            group.Add(("Diagnostic-Code", $"smtp; {(reply.Length > 900 ? reply[..900] : reply)}"));
        }

        group.Add(("Last-Attempt-Date", DateUtils.FormatDate(recipient.LastAttemptAt ?? now)));
        if (request.Kind == DsnKind.Delay && request.WillRetryUntil is { } until)
        {
            group.Add(("Will-Retry-Until", DateUtils.FormatDate(until)));
        }

        return group;
    }

    /// <summary>Original headers as they were; 8-bit header bytes (SMTPUTF8 mail) are declared, never re-encoded.</summary>
    private static MimePart HeadersPart(byte[] headers) => new("text", "rfc822-headers")
    {
        Content = new MimeContent(new MemoryStream(headers, writable: false)),
        ContentTransferEncoding = headers.Any(b => b > 127) ? ContentEncoding.EightBit : ContentEncoding.SevenBit,
    };

    /// <summary>A syntactically valid RFC 3463 code, or the generic one for the report's kind.</summary>
    private static string StatusCode(string status, DsnKind kind) =>
        status is not null && EnhancedStatusCode().IsMatch(status) ? status : kind == DsnKind.Failure ? "5.0.0" : "4.0.0";

    /// <summary>Delivery-status fields are ASCII (RFC 3464 §2.1); stray bytes from a remote reply become '?'.</summary>
    private static string Ascii(string value) =>
        string.Create(value.Length, value, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is >= ' ' and <= '~' ? source[i] : '?';
            }
        });

    [GeneratedRegex(@"^[245]\.\d{1,3}\.\d{1,3}$")]
    private static partial Regex EnhancedStatusCode();
}
