using MtaSts.Failures;
using MtaSts.Resolution;
using MtaStsRelay.Delivery.Routing;
using MtaStsRelay.Queue;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Delivery;

/// <summary>What one domain attempt knows so far; builds its <see cref="DeliveryAttempt"/> record.</summary>
internal sealed class AttemptContext(Envelope envelope, string domain, IReadOnlyList<string> recipients, long startedTimestamp, TimeProvider time)
{
    public Envelope Envelope => envelope;

    public string Domain => domain;

    public IReadOnlyList<string> Recipients => recipients;

    public PolicyResolution? Policy { get; set; }

    public DomainOverride Override { get; set; }

    public string? PolicyId => Policy?.PolicyId;

    /// <summary>The last MX host and address that failed a policy check, named in a deferral's log line.</summary>
    public (string Host, string Address)? LastTried { get; set; }

    public DeliveryAttempt AllFailed(string status, string reason, StsFailure? failure) =>
        Record(recipients.Select(r => new RecipientVerdict(r, RecipientOutcomeKind.Failed, status, reason, failure?.Type)).ToList(),
            AttemptResult.Bounced, null, null, null, reason, failure);

    public DeliveryAttempt AllDeferred(string status, string reason, StsFailure? failure) =>
        Record(recipients.Select(r => new RecipientVerdict(r, RecipientOutcomeKind.Deferred, status, reason, failure?.Type)).ToList(),
            AttemptResult.Deferred, LastTried?.Host, LastTried?.Address, null, reason, failure);

    public DeliveryAttempt FromTransport(RouteCandidate candidate, string address, TransportResult result)
    {
        var verdicts = recipients.Select(r => Verdict(r, result)).ToList();
        var outcome = verdicts.All(v => v.Outcome == RecipientOutcomeKind.Delivered) ? AttemptResult.Sent
            : verdicts.All(v => v.Outcome == RecipientOutcomeKind.Failed) ? AttemptResult.Bounced
            : verdicts.All(v => v.Outcome == RecipientOutcomeKind.Deferred) ? AttemptResult.Deferred
            : AttemptResult.Partial;
        return Record(verdicts, outcome, candidate.Host.Name, address, result, result.RemoteReply, null);
    }

    private static RecipientVerdict Verdict(string address, TransportResult result)
    {
        var reply = result.Recipients.FirstOrDefault(r => string.Equals(r.Address, address, StringComparison.OrdinalIgnoreCase));
        var text = reply?.Reply ?? result.RemoteReply ?? "";
        return (reply?.Outcome, result.Outcome) switch
        {
            (RecipientOutcome.Accepted, TransportOutcome.Sent or TransportOutcome.PartiallySent) => new(address, RecipientOutcomeKind.Delivered, "2.0.0", text),
            (RecipientOutcome.PermanentFailure, _) => new(address, RecipientOutcomeKind.Failed, EnhancedCode(text, "5.0.0"), text),
            (_, TransportOutcome.PermanentFailure) => new(address, RecipientOutcomeKind.Failed, EnhancedCode(text, "5.0.0"), text),
            // A 5xx taken as temporary (552 to RCPT) still reads as a deferral: 5.5.3 becomes 4.5.3.
            _ => new(address, RecipientOutcomeKind.Deferred, "4" + EnhancedCode(text, "4.0.0")[1..], text),
        };
    }

    /// <summary>The enhanced status code in a reply text ("550 5.1.1 no such user" ⇒ 5.1.1), or the fallback.</summary>
    private static string EnhancedCode(string reply, string fallback)
    {
        foreach (var word in reply.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries).Take(2))
        {
            if (word.Length >= 5 && word[1] == '.' && (word[0] is '2' or '4' or '5') && word.Count(c => c == '.') == 2)
            {
                return word;
            }
        }

        return fallback;
    }

    private DeliveryAttempt Record(IReadOnlyList<RecipientVerdict> verdicts, AttemptResult result, string? mxHost, string? mxAddress,
        TransportResult? transport, string? reply, StsFailure? failure)
    {
        var (mode, source) = DescribePolicy();
        return new DeliveryAttempt(
            envelope.QueueId, envelope.Sender, domain, verdicts, mxHost, mxAddress, mode, PolicyId, source,
            transport?.TlsProtocol, transport?.CipherSuite, transport?.CertificateVerified,
            result, reply, failure ?? transport?.Failure, time.GetElapsedTime(startedTimestamp));
    }

    private (string Mode, string Source) DescribePolicy()
    {
        if (Override == DomainOverride.Off || (Override == DomainOverride.RequireTls && Policy?.Mode != MtaSts.Policy.MtaStsMode.Enforce))
        {
            return (Override == DomainOverride.RequireTls ? "require-tls" : "off", "override");
        }

        return Policy is null
            ? ("none", "none")
            : (Policy.Mode.ToString().ToLowerInvariant(), Policy.Source.ToLogName());
    }
}
