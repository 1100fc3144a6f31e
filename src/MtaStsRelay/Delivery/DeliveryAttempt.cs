using MtaSts.Failures;

namespace MtaStsRelay.Delivery;

/// <summary>The result of one attempt for one recipient domain (rules doc §7).</summary>
public enum AttemptResult
{
    /// <summary>Every recipient of the domain was accepted.</summary>
    Sent,

    /// <summary>Some recipients accepted, others deferred or bounced.</summary>
    Partial,

    /// <summary>Nothing delivered; retried later.</summary>
    Deferred,

    /// <summary>Nothing delivered; failed for good.</summary>
    Bounced,
}

/// <summary>What happened to one recipient in an attempt.</summary>
/// <param name="Address">The recipient.</param>
/// <param name="Outcome">Delivered, deferred or failed.</param>
/// <param name="Status">Enhanced status code (e.g. 2.0.0, 4.7.5, 5.1.1).</param>
/// <param name="Reply">The remote reply or our reason.</param>
/// <param name="FailureType">The RFC 8460 type when MTA-STS or TLS was the cause.</param>
public sealed record RecipientVerdict(string Address, RecipientOutcomeKind Outcome, string Status, string Reply, FailureType? FailureType = null);

/// <summary>Final or not, for one recipient.</summary>
public enum RecipientOutcomeKind
{
    /// <summary>Accepted by the MX.</summary>
    Delivered,

    /// <summary>Try again later.</summary>
    Deferred,

    /// <summary>Failed for good: bounce.</summary>
    Failed,
}

/// <summary>
/// The record of one delivery attempt to one recipient domain: everything §7 of the rules doc asks
/// for, logged as one line and kept complete so TLS-RPT reports can later be aggregated from it.
/// </summary>
public sealed record DeliveryAttempt(
    string QueueId,
    string Sender,
    string Domain,
    IReadOnlyList<RecipientVerdict> Recipients,
    string? MxHost,
    string? MxAddress,
    string PolicyMode,
    string? PolicyId,
    string PolicySource,
    string? TlsProtocol,
    string? TlsCipher,
    bool? CertificateVerified,
    AttemptResult Result,
    string? RemoteReply,
    StsFailure? Failure,
    TimeSpan Duration);
