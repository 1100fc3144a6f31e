using MailKit.Net.Smtp;
using MtaSts.Failures;

namespace MtaStsRelay.Transport;

/// <summary>
/// What one session has learnt so far; becomes a <see cref="TransportResult"/> at the end.
/// </summary>
/// <remarks>
/// Classification (RFC 5321 §4.2.1, §4.5.4.1): a 5xx is permanent for the recipients it names — its
/// own recipient for RCPT, everybody for MAIL FROM and the end of data. Everything else (4xx,
/// network errors, timeouts, garbage, TLS and policy failures) is temporary: a message is only
/// ever given up on because a server said so, never because a wire broke. An accepted RCPT counts
/// as delivered only once the server accepts the data.
/// </remarks>
internal sealed class AttemptState
{
    private readonly Entry[] _recipients;

    public AttemptState(IReadOnlyList<string> recipients) =>
        _recipients = [.. recipients.Select(address => new Entry(address))];

    public bool Connected { get; set; }
    public string? TlsProtocol { get; set; }
    public string? CipherSuite { get; set; }
    public bool? CertificateVerified { get; set; }
    public StsFailure? Failure { get; set; }
    public string? RemoteReply { get; set; }
    public string? ErrorReason { get; private set; }

    /// <summary>Records the RCPT replies; <paramref name="replyFor"/> maps a request index to its reply, if any.</summary>
    public void RecordRecipientReplies(Func<int, SmtpResponse?> replyFor)
    {
        for (var i = 0; i < _recipients.Length; i++)
        {
            if (_recipients[i].Outcome is null && replyFor(i) is { } reply)
            {
                var code = (int)reply.StatusCode;
                // RFC 5321 §4.5.3.1.10: 552 to RCPT is "too many recipients" from servers of the
                // RFC 821 era; treat it as 452, retried, never a bounce.
                var outcome = code < 300 ? (RecipientOutcome?)null : code == 552 ? RecipientOutcome.TemporaryFailure : Classify(code);
                _recipients[i].Decide(code, reply.Response, outcome);
                _recipients[i].RcptAccepted = code < 300;
            }
        }
    }

    /// <summary>Marks one recipient as failed before any SMTP exchange (e.g. unusable address syntax).</summary>
    public void RejectRecipient(int index, RecipientOutcome outcome, string reason) =>
        _recipients[index].Decide(0, reason, outcome);

    /// <summary>The server's final reply to the message data (or to MAIL FROM/DATA) decides every recipient still open.</summary>
    public void ApplyTransactionReply(int code, string text)
    {
        RemoteReply = $"{code} {OneLine(text)}";
        var outcome = code is >= 200 and < 300 ? RecipientOutcome.Accepted : Classify(code);
        foreach (var entry in _recipients.Where(e => e.Outcome is null || e.RcptAccepted))
        {
            entry.Decide(code, text, outcome);
            entry.RcptAccepted = false;
        }
    }

    /// <summary>The session broke or was refused: every recipient not yet decided fails temporarily.</summary>
    public void FailSession(string reason, StsFailure? failure = null)
    {
        ErrorReason ??= reason;
        Failure ??= failure;
    }

    public TransportResult ToResult(TimeSpan duration)
    {
        var results = _recipients.Select(e => e.ToResult(ErrorReason ?? "the session ended before this recipient was tried")).ToList();
        return new TransportResult(
            Overall(results), Connected, TlsProtocol, CipherSuite, CertificateVerified, Failure,
            results, RemoteReply, ErrorReason, duration);
    }

    private static TransportOutcome Overall(IReadOnlyList<RecipientResult> results)
    {
        var accepted = results.Count(r => r.Outcome == RecipientOutcome.Accepted);
        if (accepted == results.Count)
        {
            return TransportOutcome.Sent;
        }

        if (accepted > 0)
        {
            return TransportOutcome.PartiallySent;
        }

        return results.All(r => r.Outcome == RecipientOutcome.PermanentFailure)
            ? TransportOutcome.PermanentFailure
            : TransportOutcome.TemporaryFailure;
    }

    private static RecipientOutcome Classify(int code) =>
        code is >= 500 and < 600 ? RecipientOutcome.PermanentFailure : RecipientOutcome.TemporaryFailure;

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private sealed class Entry(string address)
    {
        private int _code;
        private string _reply = "";

        public RecipientOutcome? Outcome { get; private set; }

        /// <summary>RCPT was accepted, but the message is not yet: the data reply decides.</summary>
        public bool RcptAccepted { get; set; }

        public void Decide(int code, string reply, RecipientOutcome? outcome)
        {
            _code = code;
            _reply = OneLine(reply);
            Outcome = outcome;
        }

        /// <summary>An open recipient (never tried, or RCPT accepted but no data reply) fails temporarily with the session's reason.</summary>
        public RecipientResult ToResult(string sessionReason)
        {
            if (Outcome is { } outcome && !RcptAccepted)
            {
                return new RecipientResult(address, _code, _reply, outcome);
            }

            var reason = RcptAccepted ? $"RCPT accepted ({_code} {_reply}), then {sessionReason}" : sessionReason;
            return new RecipientResult(address, 0, reason, RecipientOutcome.TemporaryFailure);
        }
    }
}
