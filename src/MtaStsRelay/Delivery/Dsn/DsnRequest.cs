namespace MtaStsRelay.Delivery.Dsn;

/// <summary>Which report: a final failure, or a warning that delivery is still being retried.</summary>
public enum DsnKind
{
    /// <summary>Action: failed — the relay gave up on these recipients.</summary>
    Failure,

    /// <summary>Action: delayed — the relay keeps trying until <see cref="DsnRequest.WillRetryUntil"/>.</summary>
    Delay,
}

/// <summary>One recipient in a report.</summary>
/// <param name="Address">The envelope recipient (Final-Recipient).</param>
/// <param name="Status">The enhanced status code (RFC 3463), e.g. <c>5.1.1</c>, <c>4.7.5</c>.</param>
/// <param name="DiagnosticCode">The remote SMTP reply, e.g. <c>550 5.1.1 no such user</c>; null when no server answered.</param>
/// <param name="RemoteMta">The MX host that answered, if any.</param>
/// <param name="Reason">One sentence for the sender, e.g. the MTA-STS reason (see <see cref="DsnBuilder.DescribeStsRefusal"/>).</param>
/// <param name="LastAttemptAt">When the relay last tried; the report's time when null.</param>
public sealed record DsnRecipient(
    string Address,
    string Status,
    string? DiagnosticCode,
    string? RemoteMta,
    string Reason,
    DateTimeOffset? LastAttemptAt = null);

/// <summary>Everything a delivery status notification (RFC 3464) says about one queued message.</summary>
/// <param name="QueueId">The relay's queue id, quoted so the admin can grep the logs.</param>
/// <param name="OriginalSender">The envelope sender the report goes to; never empty (see <see cref="DsnBuilder.ShouldNotify"/>).</param>
/// <param name="ArrivedAt">When the relay accepted the message (Arrival-Date).</param>
/// <param name="ReportingMta">This relay's host name (Reporting-MTA, and the MAILER-DAEMON domain).</param>
/// <param name="Kind">Failure or delay.</param>
/// <param name="Recipients">The recipients this report is about.</param>
/// <param name="MessagePath">The queued message file; its header block is attached.</param>
/// <param name="WillRetryUntil">For a delay report: when the relay stops trying.</param>
public sealed record DsnRequest(
    string QueueId,
    string OriginalSender,
    DateTimeOffset ArrivedAt,
    string ReportingMta,
    DsnKind Kind,
    IReadOnlyList<DsnRecipient> Recipients,
    string MessagePath,
    DateTimeOffset? WillRetryUntil = null);
