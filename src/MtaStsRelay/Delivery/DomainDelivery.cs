using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaSts;
using MtaSts.Dns;
using MtaSts.Failures;
using MtaSts.Resolution;
using MtaStsRelay.Delivery.Routing;
using MtaStsRelay.Diagnostics;
using MtaStsRelay.Queue;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Delivery;

/// <summary>
/// One attempt to deliver a message to the recipients of one domain: MX lookup, policy, route plan,
/// then the plan's hosts in order until one takes the message (rules doc §6). Failures here are
/// values: policy refusals, TLS failures, 4xx and network trouble defer; 5xx and null MX bounce.
/// </summary>
public sealed class DomainDelivery(
    MxLookup mxLookup,
    PolicyResolver policies,
    HostAddressResolver addresses,
    SmtpTransport transport,
    IOptions<DeliveryOptions> options,
    IOptionsMonitor<Dictionary<string, DomainOverrideOptions>> overrides,
    TimeProvider time,
    ILogger<DomainDelivery> logger,
    RelayMetrics? metrics = null)
{
    /// <summary>Delivers <paramref name="recipients"/> of <paramref name="domain"/> and returns the attempt record (already logged).</summary>
    public async Task<DeliveryAttempt> DeliverAsync(Envelope envelope, string domain, IReadOnlyList<string> recipients, string messagePath, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var context = new AttemptContext(envelope, domain, recipients, started, time);
        DeliveryAttempt attempt;
        try
        {
            attempt = await AttemptAsync(context, messagePath, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A fault here (a bug, a name a library refuses) must stay with this domain: the other
            // domains of the message keep their results, and this one is retried like any deferral.
            DeliveryLog.DomainError(logger, envelope.QueueId, domain, e.Message, e);
            attempt = context.AllDeferred("4.3.0", $"internal error: {e.Message}", null);
        }

        DeliveryLog.Attempt(logger, attempt);
        metrics?.Attempted(attempt, envelope.ArrivedAt);
        return attempt;
    }

    private async Task<DeliveryAttempt> AttemptAsync(AttemptContext context, string messagePath, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!DomainName.TryNormalize(context.Domain, out _, out var notADomain))
        {
            // No DNS name can answer for it (a label over 63 octets, a bare word): no retry will help.
            return context.AllFailed("5.1.2", $"bad destination domain: {notADomain}", null);
        }

        // Every MX record (bounded by MxLookup.MaxRecords): the per-attempt cap applies after the
        // policy's filter, in the planner.
        var mx = await mxLookup.LookUpAsync(context.Domain, cancellationToken);
        switch (mx.Status)
        {
            case MxLookupStatus.NullMx:
                return context.AllFailed("5.1.10", mx.Reason!, null);
            case MxLookupStatus.NoSuchDomain:
                return context.AllFailed("5.1.2", mx.Reason!, null);
            case MxLookupStatus.DnsError:
                return context.AllDeferred("4.4.3", mx.Reason!, null);
        }

        var domainOverride = OverrideFor(context.Domain);
        var policy = domainOverride == DomainOverride.Off ? null : await policies.ResolveAsync(context.Domain, cancellationToken);
        context.Policy = policy;
        context.Override = domainOverride;
        if (policy is { DeferRecommended: true })
        {
            return context.AllDeferred("4.4.3", $"MTA-STS TXT lookup failed and DeferOnDnsTrouble is on: {policy.Warning}", null);
        }

        var plan = RoutePlanner.Plan(mx.Hosts, policy, domainOverride, settings.MaxMxHosts);
        foreach (var skipped in plan.Skipped)
        {
            DeliveryLog.MxSkipped(logger, context.Envelope.QueueId, context.Domain, skipped.Host.Name, skipped.Failure.Type.ToResultType(), skipped.Failure.Reason);
        }

        return await ExecuteAsync(context, plan, messagePath, cancellationToken);
    }

    private async Task<DeliveryAttempt> ExecuteAsync(AttemptContext context, RoutePlan plan, string messagePath, CancellationToken cancellationToken)
    {
        // The policy failure of the last host skipped or failed (for the testing-mode violation line);
        // hostFailure only counts hosts that were tried, so an unreachable eligible MX is not reported
        // as the skipped one's mx-mismatch.
        var lastFailure = plan.Skipped.Count > 0 ? plan.Skipped[^1].Failure : null;
        StsFailure? hostFailure = null;
        string? lastReason = lastFailure?.Reason;
        DeliveryAttempt? answered = null;
        for (var pass = 0; pass < plan.Passes.Count; pass++)
        {
            if (pass > 0 && plan.Rule == RouteRule.Testing && lastFailure is not null)
            {
                DeliveryLog.TestingViolation(logger, context.Envelope.QueueId, context.Domain, context.PolicyId ?? "-", lastFailure.Type.ToResultType(), lastFailure.Reason);
            }

            foreach (var candidate in plan.Passes[pass])
            {
                var outcome = await TryHostAsync(context, candidate, messagePath, cancellationToken);
                if (outcome.Final is { } final)
                {
                    // Delivered anyway under testing: the record keeps the violation, so the
                    // attempt line (and TLS-RPT later) does not read like a clean delivery.
                    var violation = pass > 0 && plan.Rule == RouteRule.Testing ? lastFailure : null;
                    return final.Failure is null && violation is not null ? final with { Failure = violation } : final;
                }

                lastFailure = outcome.Failure ?? lastFailure;
                hostFailure = outcome.Failure ?? hostFailure;
                lastReason = outcome.Reason ?? lastReason;
                answered = outcome.Answered ?? answered;
            }
        }

        // A host that passed and answered speaks for the domain (its 5xx bounces, its 4xx defers with
        // its own words), even under a strict policy; only without such an answer does a TLS or policy
        // failure become the reason.
        return answered ?? Deferral(context, plan, hostFailure ?? (plan.Passes.All(p => p.Count == 0) ? lastFailure : null), lastReason);
    }

    private static DeliveryAttempt Deferral(AttemptContext context, RoutePlan plan, StsFailure? failure, string? reason)
    {
        if (plan.Passes.All(p => p.Count == 0))
        {
            var refusal = failure ?? new StsFailure(FailureType.ValidationFailure, "no MX host is eligible under the policy");
            return context.AllDeferred("4.4.8", "MTA-STS: " + refusal, refusal);
        }

        if (failure is not null && plan.Strict)
        {
            var status = failure.Type == FailureType.ValidationFailure && failure.Reason.StartsWith("mx-mismatch", StringComparison.Ordinal) ? "4.4.8" : "4.7.5";
            return context.AllDeferred(status, $"MTA-STS {plan.Rule.ToString().ToLowerInvariant()}: no MX host passed: {failure}", failure);
        }

        return context.AllDeferred("4.4.1", reason ?? "no MX host could be reached", failure);
    }

    private async Task<HostOutcome> TryHostAsync(AttemptContext context, RouteCandidate candidate, string messagePath, CancellationToken cancellationToken)
    {
        IReadOnlyList<System.Net.IPAddress> ips;
        try
        {
            ips = await addresses.ResolveAsync(candidate.Host.Name, cancellationToken);
        }
        catch (DnsLookupException e)
        {
            return HostOutcome.Next(null, e.Message);
        }

        if (ips.Count == 0)
        {
            return HostOutcome.Next(null, $"{candidate.Host.Name} has no A or AAAA record");
        }

        HostOutcome last = HostOutcome.Next(null, null);
        DeliveryAttempt? answered = null;
        foreach (var ip in ips.Take(options.Value.MaxAddressesPerHost))
        {
            last = await TryAddressAsync(context, candidate, ip, messagePath, cancellationToken);
            if (last.Final is not null || last.Failure is not null)
            {
                return last; // a policy/TLS verdict is about the host, not the address
            }

            answered = last.Answered ?? answered;
        }

        return last with { Answered = answered };
    }

    private async Task<HostOutcome> TryAddressAsync(AttemptContext context, RouteCandidate candidate, System.Net.IPAddress ip, string messagePath, CancellationToken cancellationToken)
    {
        var request = new TransportRequest(candidate.Host.Name, ip, options.Value.Port, candidate.Tls,
            context.Envelope.Sender, context.Recipients, messagePath, HeloName());
        var result = await transport.SendAsync(request, cancellationToken);
        context.LastTried = (candidate.Host.Name, ip.ToString()); // a deferral names the last host reached or not
        if (candidate.PlainTextRetry && result.Connected && result.Failure is not null)
        {
            // No policy applies: after a failed TLS handshake, the same host in plain text (RFC 3207 practice).
            DeliveryLog.PlainTextRetry(logger, context.Envelope.QueueId, context.Domain, candidate.Host.Name, result.Failure.ToString());
            result = await transport.SendAsync(request with { Tls = TlsRequirement.None }, cancellationToken);
        }

        if (result.Failure is { } failure)
        {
            DeliveryLog.MxFailed(logger, context.Envelope.QueueId, context.Domain, candidate.Host.Name, ip.ToString(), failure.Type.ToResultType(), failure.Reason);
            return HostOutcome.Next(failure, failure.Reason);
        }

        if (!result.Connected || result.Outcome == TransportOutcome.TemporaryFailure && result.Recipients.All(r => r.Outcome != RecipientOutcome.Accepted))
        {
            // RFC 5321 §5.1: a host that is down or answers 4xx to everything ⇒ try the next MX. Keep
            // what it said, so the attempt's log line carries the remote reply if no MX does better.
            var reason = result.ErrorReason ?? result.RemoteReply ?? "temporary failure";
            DeliveryLog.MxFailed(logger, context.Envelope.QueueId, context.Domain, candidate.Host.Name, ip.ToString(), "-", reason);
            var answered = result.Connected && result.Recipients.Count > 0 ? context.FromTransport(candidate, ip.ToString(), result) : null;
            return new HostOutcome(null, null, $"{candidate.Host.Name} [{ip}]: {reason}", answered);
        }

        return HostOutcome.Done(context.FromTransport(candidate, ip.ToString(), result));
    }

    private DomainOverride OverrideFor(string domain)
    {
        var all = overrides.CurrentValue;
        foreach (var (key, value) in all)
        {
            if (string.Equals(key.TrimEnd('.'), domain, StringComparison.OrdinalIgnoreCase))
            {
                return value.Override;
            }
        }

        return DomainOverride.Policy;
    }

    private string HeloName() => string.IsNullOrWhiteSpace(options.Value.HeloName) ? Environment.MachineName : options.Value.HeloName!;

    /// <summary>What one host gave: a final attempt, or a reason to try the next (with the MX's own deferral, if it answered).</summary>
    private readonly record struct HostOutcome(DeliveryAttempt? Final, StsFailure? Failure, string? Reason, DeliveryAttempt? Answered = null)
    {
        public static HostOutcome Next(StsFailure? failure, string? reason) => new(null, failure, reason);

        public static HostOutcome Done(DeliveryAttempt attempt) => new(attempt, null, null);
    }
}
