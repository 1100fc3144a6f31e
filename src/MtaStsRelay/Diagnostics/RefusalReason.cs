namespace MtaStsRelay.Diagnostics;

/// <summary>
/// The <c>reason</c> tag of <c>mtasts.relay.messages.refused</c>: one word per refusal the listener
/// logs (event ids 1101–1114), so a graph and a grep tell the same story.
/// </summary>
internal static class RefusalReason
{
    /// <summary>RCPT from a client outside Relay:AllowedNetworks and not authenticated (554 5.7.1).</summary>
    public const string RelayDenied = "relay-denied";

    /// <summary>MAIL before STARTTLS on an endpoint that requires TLS (530 5.7.0).</summary>
    public const string TlsRequired = "tls-required";

    /// <summary>RCPT past Relay:Limits:MaxRecipients (452 4.5.3).</summary>
    public const string TooManyRecipients = "too-many-recipients";

    /// <summary>Message or command line over Relay:Limits:MaxMessageSize (552).</summary>
    public const string TooLarge = "too-large";

    /// <summary>The message could not be written to the spool (451 4.3.0).</summary>
    public const string SpoolError = "spool-error";

    /// <summary>The relay was shutting down at the end of DATA (451 4.3.2).</summary>
    public const string ShuttingDown = "shutting-down";

    /// <summary>Connection over Relay:Limits:MaxSessions (421 4.7.0).</summary>
    public const string TooManySessions = "too-many-sessions";

    /// <summary>AUTH with a wrong user name or password (535).</summary>
    public const string AuthFailed = "auth-failed";

    /// <summary>A non-ASCII address without SMTPUTF8 (553 5.6.7).</summary>
    public const string NonAsciiAddress = "non-ascii-address";

    /// <summary>An address longer than RFC 5321 allows (501 5.1.3).</summary>
    public const string AddressTooLong = "address-too-long";

    /// <summary>AUTH not checked now: password checks busy, or the address locked out after failures (454 4.7.0).</summary>
    public const string AuthThrottled = "auth-throttled";

    /// <summary>A command line over the fixed command-line limit (500 5.5.2), the connection closed.</summary>
    public const string LineTooLong = "line-too-long";
}
