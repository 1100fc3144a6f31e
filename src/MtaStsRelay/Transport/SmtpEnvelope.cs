using MimeKit;

namespace MtaStsRelay.Transport;

/// <summary>
/// The envelope in MailKit's terms, and the format options that make MailKit write the queued
/// bytes unchanged.
/// </summary>
internal sealed class SmtpEnvelope
{
    private SmtpEnvelope(MailboxAddress? sender, MailboxAddress?[] byRequestIndex)
    {
        Sender = sender;
        ByRequestIndex = byRequestIndex;
        Distinct = [.. byRequestIndex.OfType<MailboxAddress>().Distinct()];
    }

    /// <summary>MAIL FROM (an empty address gives <c>MAIL FROM:&lt;&gt;</c>); null when the syntax is unusable.</summary>
    public MailboxAddress? Sender { get; }

    /// <summary>The mailbox for each request recipient (duplicates share one), null where the syntax is unusable.</summary>
    public MailboxAddress?[] ByRequestIndex { get; }

    /// <summary>One RCPT per distinct address, in request order.</summary>
    public IReadOnlyList<MailboxAddress> Distinct { get; }

    /// <summary>Builds the envelope; a recipient MimeKit cannot parse is left null for the caller to refuse.</summary>
    public static SmtpEnvelope Create(string sender, IReadOnlyList<string> recipients)
    {
        var seen = new Dictionary<string, MailboxAddress>(StringComparer.OrdinalIgnoreCase);
        var mailboxes = new MailboxAddress?[recipients.Count];
        for (var i = 0; i < recipients.Count; i++)
        {
            if (!seen.TryGetValue(recipients[i], out var mailbox) && TryMailbox(recipients[i], out mailbox))
            {
                seen[recipients[i]] = mailbox!;
            }

            mailboxes[i] = mailbox;
        }

        TryMailbox(sender, out var from);
        return new SmtpEnvelope(from, mailboxes);
    }

    /// <summary>
    /// Format options for relaying: CRLF, no hidden headers (MailKit's default hides Bcc, Resent-Bcc
    /// and Content-Length), and International off. International only matters for headers MimeKit
    /// re-encodes, and ours are written from their raw bytes; leaving it on would make MailKit throw
    /// NotSupportedException on a server without 8BITMIME.
    /// </summary>
    public static FormatOptions RelayFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = false;
        format.HiddenHeaders.Clear();
        return format;
    }

    private static bool TryMailbox(string address, out MailboxAddress? mailbox)
    {
        try
        {
            mailbox = new MailboxAddress("", address);
            return true;
        }
        catch (ParseException)
        {
            mailbox = null;
            return false;
        }
    }
}
