namespace SimulatedInternet;

/// <summary>
/// A scripted answer to RCPT TO for one address on a <see cref="TestMxServer"/>: <see cref="Reply"/> is
/// given the first <see cref="Times"/> times the address is offered, after that the recipient is
/// accepted. A null <see cref="Reply"/> accepts at once.
/// </summary>
public sealed record RecipientReply(SmtpReply? Reply, int Times = int.MaxValue)
{
    /// <summary>Accept (250), the default for every address.</summary>
    public static RecipientReply Accept { get; } = new((SmtpReply?)null, 0);

    /// <summary>Always 550 5.1.1.</summary>
    public static RecipientReply RejectPermanently { get; } = new(SmtpReply.MailboxUnavailable);

    /// <summary>Always 450 4.2.0.</summary>
    public static RecipientReply RejectTemporarily { get; } = new(SmtpReply.MailboxBusy);

    /// <summary>450 4.2.0 for the first <paramref name="failures"/> attempts, then accept.</summary>
    public static RecipientReply TemporaryThenAccept(int failures) => new(SmtpReply.MailboxBusy, failures);
}
