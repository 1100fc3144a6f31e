using System.Net;
using System.Security.Authentication;
using System.Text;

namespace SimulatedInternet;

/// <summary>
/// A message a <see cref="TestMxServer"/> accepted, with its envelope and how the session was secured.
/// <see cref="Data"/> is exactly what SmtpServer hands over: dot-unstuffed, and WITHOUT the final CRLF
/// before the terminating "." (an SmtpServer 11.1 quirk); <see cref="DataWithFinalCrLf"/> adds it back.
/// </summary>
public sealed record ReceivedMessage
{
    /// <summary>MAIL FROM address ("" for the null reverse-path &lt;&gt;).</summary>
    public required string Sender { get; init; }

    /// <summary>Accepted RCPT TO addresses, in order.</summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The message bytes as received (see the type's remarks about the final CRLF).</summary>
    public required byte[] Data { get; init; }

    /// <summary>Whether STARTTLS had been done when the message was sent.</summary>
    public required bool IsSecure { get; init; }

    /// <summary>The negotiated TLS version (None when not secure).</summary>
    public required SslProtocols SslProtocol { get; init; }

    /// <summary>The EHLO/HELO argument of the session, if any.</summary>
    public string? HeloName { get; init; }

    /// <summary>The client's address and port.</summary>
    public IPEndPoint? RemoteEndPoint { get; init; }

    /// <summary>MAIL FROM parameters (e.g. SIZE, BODY=8BITMIME, SMTPUTF8 with an empty value).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>When the server accepted the message (wall clock).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary><see cref="Data"/> decoded as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Data);

    /// <summary><see cref="Data"/> with the CRLF SmtpServer strips put back: the bytes the client sent.</summary>
    public byte[] DataWithFinalCrLf => [.. Data, (byte)'\r', (byte)'\n'];
}
