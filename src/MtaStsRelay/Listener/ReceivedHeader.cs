using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtaStsRelay.Listener;

/// <summary>
/// The trace header the relay adds on top of each message (RFC 5321 §4.4, RFC 5322 §3.6.7), folded
/// the way Postfix folds it:
/// <code>
/// Received: from client.example ([192.0.2.7])
///         by relay.example (mtasts-relay) with ESMTPS id 01KB2…;
///         Sat, 28 Nov 2026 12:00:00 +0000
/// </code>
/// No reverse DNS name: it would cost a lookup per message and say nothing the IP does not.
/// </summary>
internal static class ReceivedHeader
{
    /// <summary>The header as ASCII bytes, ending in CRLF, ready to put in front of the message.</summary>
    public static byte[] Format(string? helo, IPAddress? client, string hostName, string protocol, string queueId, DateTimeOffset now)
    {
        var from = Sanitize(string.IsNullOrEmpty(helo) ? "unknown" : helo);
        var literal = client switch
        {
            null => "unknown",
            { AddressFamily: AddressFamily.InterNetworkV6 } => $"[IPv6:{client}]",
            _ => $"[{client}]",
        };
        var date = now.ToUniversalTime().ToString("ddd, d MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
        var header = $"Received: from {from} ({literal})\r\n\tby {hostName} (mtasts-relay) with {protocol} id {queueId};\r\n\t{date}\r\n";
        return Encoding.ASCII.GetBytes(header);
    }

    /// <summary>
    /// The "with" protocol name of RFC 3848: SMTP after HELO, ESMTP after EHLO, plus S for TLS and
    /// A for an authenticated client.
    /// </summary>
    public static string Protocol(bool esmtp, bool secure, bool authenticated) =>
        !esmtp ? "SMTP" : "ESMTP" + (secure ? "S" : "") + (authenticated ? "A" : "");

    // The EHLO argument is parsed by SmtpServer, but a header must never carry a line break or
    // non-ASCII, whatever reached us.
    private static string Sanitize(string value) =>
        string.Concat(value.Select(c => c is > ' ' and < (char)127 && c != '(' && c != ')' ? c : '?'));
}
