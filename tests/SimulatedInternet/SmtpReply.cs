namespace SimulatedInternet;

/// <summary>
/// An SMTP reply a simulated MX sends instead of accepting (RFC 5321 §4.2). Put the enhanced status code
/// (RFC 3463) at the start of <see cref="Text"/>. Note that SmtpServer appends ", N retry(ies) remaining."
/// to replies given to RCPT and MAIL.
/// </summary>
public sealed record SmtpReply(int Code, string Text)
{
    /// <summary>451 4.3.0: a transient local error (the sender should retry later).</summary>
    public static SmtpReply LocalError { get; } = new(451, "4.3.0 local error in processing");

    /// <summary>554 5.6.0: the transaction failed permanently.</summary>
    public static SmtpReply TransactionFailed { get; } = new(554, "5.6.0 transaction failed");

    /// <summary>550 5.1.1: no such mailbox.</summary>
    public static SmtpReply MailboxUnavailable { get; } = new(550, "5.1.1 mailbox unavailable");

    /// <summary>450 4.2.0: mailbox temporarily unavailable.</summary>
    public static SmtpReply MailboxBusy { get; } = new(450, "4.2.0 mailbox temporarily unavailable");
}
