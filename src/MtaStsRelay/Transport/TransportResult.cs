using MtaSts.Failures;

namespace MtaStsRelay.Transport;

/// <summary>How an attempt ended for the message as a whole.</summary>
public enum TransportOutcome
{
    /// <summary>Every recipient was accepted and the server accepted the message data.</summary>
    Sent,

    /// <summary>Some recipients got the message; the others failed (see the per-recipient results).</summary>
    PartiallySent,

    /// <summary>Nobody got the message and at least one recipient may succeed later.</summary>
    TemporaryFailure,

    /// <summary>Nobody got the message and the server refused every recipient for good (5xx).</summary>
    PermanentFailure,
}

/// <summary>How an attempt ended for one recipient.</summary>
public enum RecipientOutcome
{
    /// <summary>The server took responsibility for the message for this recipient.</summary>
    Accepted,

    /// <summary>Not delivered; try again later (4xx, network trouble, TLS or policy failure).</summary>
    TemporaryFailure,

    /// <summary>Not delivered and never will be from this message (5xx naming this recipient).</summary>
    PermanentFailure,
}

/// <summary>The result for one recipient.</summary>
/// <param name="Address">The recipient as given in the request.</param>
/// <param name="Code">The SMTP reply code that decided it, or 0 when no reply did (connection lost, TLS failure).</param>
/// <param name="Reply">The server's reply text, or the transport's reason when there was no reply.</param>
/// <param name="Outcome">Accepted, temporary or permanent.</param>
public sealed record RecipientResult(string Address, int Code, string Reply, RecipientOutcome Outcome);

/// <summary>What one SMTP session found and did: the record an attempt log line and TLS-RPT are built from.</summary>
/// <param name="Outcome">The overall outcome, derived from <paramref name="Recipients"/>.</param>
/// <param name="Connected">The TCP connection to the MX address was established.</param>
/// <param name="TlsProtocol">The negotiated protocol (<c>Tls12</c>, <c>Tls13</c>) when STARTTLS completed.</param>
/// <param name="CipherSuite">The negotiated cipher suite when STARTTLS completed.</param>
/// <param name="CertificateVerified">
/// Whether the certificate was valid for the MX host name; null when no certificate was seen.
/// Recorded under <see cref="TlsRequirement.Opportunistic"/> too, where it does not stop delivery.
/// </param>
/// <param name="Failure">
/// The RFC 8460 failure that stopped a TLS session: <c>starttls-not-supported</c>, a certificate
/// failure, or <c>validation-failure</c> for any other handshake failure or TLS below 1.2 under
/// <see cref="TlsRequirement.Verified"/>. Null when TLS was fine or not asked for. Under
/// <see cref="TlsRequirement.Opportunistic"/> a non-null failure means the handshake broke the
/// session, so the caller may retry the MX in plain text.
/// </param>
/// <param name="Recipients">One result per requested recipient, in request order.</param>
/// <param name="RemoteReply">The last significant server reply with its code, e.g. <c>250 2.0.0 queued as X</c>.</param>
/// <param name="ErrorReason">Why the session failed, in words for an admin; null when it did not.</param>
/// <param name="Duration">Wall time of the whole attempt.</param>
public sealed record TransportResult(
    TransportOutcome Outcome,
    bool Connected,
    string? TlsProtocol,
    string? CipherSuite,
    bool? CertificateVerified,
    StsFailure? Failure,
    IReadOnlyList<RecipientResult> Recipients,
    string? RemoteReply,
    string? ErrorReason,
    TimeSpan Duration);
