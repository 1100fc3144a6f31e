using System.Net;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;

namespace MtaStsRelay.Listener;

/// <summary>
/// What the listener keeps about a session in SmtpServer's per-session property bag, and how to
/// read the client's address from it.
/// </summary>
internal static class SessionInfo
{
    /// <summary>The EHLO/HELO name (string).</summary>
    public const string HeloKey = "MtaStsRelay:Helo";

    /// <summary>Whether the client said EHLO rather than HELO (bool), for the Received header's protocol.</summary>
    public const string EsmtpKey = "MtaStsRelay:Esmtp";

    /// <summary>Recipients accepted in the current transaction (int), reset at MAIL.</summary>
    public const string RecipientCountKey = "MtaStsRelay:RecipientCount";

    /// <summary>
    /// The client's IP address, from the accepted socket. Never from the PROXY line: SmtpServer
    /// accepts that line from anyone and only stores it under its own key (libraries.md §1).
    /// IPv4-mapped addresses are given as IPv4.
    /// </summary>
    public static IPAddress? ClientAddress(ISessionContext context) =>
        context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var value) && value is IPEndPoint endPoint
            ? endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address
            : null;

    /// <summary>The client's address as text for logs.</summary>
    public static string ClientText(ISessionContext context) => ClientAddress(context)?.ToString() ?? "unknown";

    /// <summary>The EHLO/HELO name, if the client gave one.</summary>
    public static string? Helo(ISessionContext context) =>
        context.Properties.TryGetValue(HeloKey, out var value) ? value as string : null;

    /// <summary>True when the client used EHLO.</summary>
    public static bool IsEsmtp(ISessionContext context) =>
        context.Properties.TryGetValue(EsmtpKey, out var value) && value is true;

    /// <summary>
    /// The mailbox as <c>local@domain</c>; the null reverse path &lt;&gt; is "". SmtpServer keeps the
    /// local part without the quotes of a quoted string; it is rare on a smarthost link and left as is.
    /// </summary>
    public static string Address(IMailbox? mailbox)
    {
        if (mailbox is null || (string.IsNullOrEmpty(mailbox.User) && string.IsNullOrEmpty(mailbox.Host)))
        {
            return "";
        }

        return string.IsNullOrEmpty(mailbox.Host) ? mailbox.User : $"{mailbox.User}@{mailbox.Host}";
    }

    /// <summary>
    /// False when the address carries non-ASCII: SmtpServer decodes the domain of a UTF-8 address as
    /// ASCII, turning each such byte into '?' (issue #81), so a '?' in the domain or a non-ASCII
    /// local part means the client used SMTPUTF8, which we do not offer.
    /// </summary>
    public static bool IsAscii(IMailbox mailbox) =>
        (mailbox.Host is null || !mailbox.Host.Contains('?', StringComparison.Ordinal))
        && (mailbox.User is null || mailbox.User.All(char.IsAscii));
}
