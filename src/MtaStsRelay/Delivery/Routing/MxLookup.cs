using DnsClient;
using Polly;
using Polly.Retry;

namespace MtaStsRelay.Delivery.Routing;

/// <summary>What the MX lookup of a recipient domain gave.</summary>
public enum MxLookupStatus
{
    /// <summary>Hosts to try (MX records, or the domain itself as implicit MX).</summary>
    Found,

    /// <summary>RFC 7505 null MX: the domain accepts no mail (permanent, 5.1.10).</summary>
    NullMx,

    /// <summary>The domain does not exist, or has neither MX nor address records (permanent, 5.1.2).</summary>
    NoSuchDomain,

    /// <summary>The lookup failed (SERVFAIL, timeout): try again later.</summary>
    DnsError,
}

/// <summary>The MX hosts of a domain in the order to try them, or why there are none.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="Hosts">The hosts to try, in order, capped.</param>
/// <param name="Reason">Why there are none, for the log and the DSN.</param>
public sealed record MxLookupResult(MxLookupStatus Status, IReadOnlyList<MxHost> Hosts, string? Reason);

/// <summary>
/// MX resolution for delivery (RFC 5321 §5.1): preference order, random among equal preference (load
/// sharing), implicit MX when there is no MX record but the domain has an address, null MX
/// (RFC 7505) as a permanent failure, and a cap on the hosts tried.
/// </summary>
public sealed class MxLookup(ILookupClient dns, TimeProvider time)
{
    /// <summary>
    /// Short-range resilience inside one attempt (Polly): a lookup that failed with DNS trouble is
    /// asked again at once, twice at most, before the attempt is deferred to the queue's long-range
    /// schedule. No delay: DnsClient has already waited out its own timeout.
    /// </summary>
    private readonly ResiliencePipeline<MxLookupResult> _retry = new ResiliencePipelineBuilder<MxLookupResult> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<MxLookupResult>
        {
            ShouldHandle = new PredicateBuilder<MxLookupResult>().HandleResult(r => r.Status == MxLookupStatus.DnsError),
            MaxRetryAttempts = 2,
            Delay = TimeSpan.Zero,
        })
        .Build();

    /// <summary>The most MX records taken from one answer: a bound on what a hostile DNS answer can make the relay consider.</summary>
    public const int MaxRecords = 50;

    /// <summary>Looks up the MX hosts of <paramref name="domain"/>, at most <see cref="MaxRecords"/> of them.</summary>
    public async Task<MxLookupResult> LookUpAsync(string domain, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(async ct => await LookUpOnceAsync(domain, ct), cancellationToken);

    private async Task<MxLookupResult> LookUpOnceAsync(string domain, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await dns.QueryAsync(domain, QueryType.MX, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new MxLookupResult(MxLookupStatus.DnsError, [], $"MX lookup of {domain} failed: {e.Message}");
        }

        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
        {
            return new MxLookupResult(MxLookupStatus.NoSuchDomain, [], $"{domain} does not exist (NXDOMAIN)");
        }

        if (response.HasError)
        {
            return new MxLookupResult(MxLookupStatus.DnsError, [], $"MX lookup of {domain} failed: {response.Header.ResponseCode}");
        }

        var records = response.Answers.MxRecords().ToList();
        if (records.Count == 0)
        {
            return await ImplicitMxAsync(domain, cancellationToken);
        }

        if (records.Any(r => r.Exchange.Value is "." or ""))
        {
            return new MxLookupResult(MxLookupStatus.NullMx, [], $"{domain} publishes a null MX (RFC 7505): it accepts no mail");
        }

        var hosts = records
            .Select(r => new MxHost(r.Exchange.Value.TrimEnd('.').ToLowerInvariant(), r.Preference))
            .GroupBy(h => h.Preference)
            .OrderBy(g => g.Key)
            .SelectMany(g => g.OrderBy(_ => Random.Shared.Next()))
            .DistinctBy(h => h.Name)
            .Take(MaxRecords)
            .ToList();
        return new MxLookupResult(MxLookupStatus.Found, hosts, null);
    }

    private async Task<MxLookupResult> ImplicitMxAsync(string domain, CancellationToken cancellationToken)
    {
        try
        {
            var a = await dns.QueryAsync(domain, QueryType.A, QueryClass.IN, cancellationToken);
            var aaaa = a.Answers.ARecords().Any() ? null : await dns.QueryAsync(domain, QueryType.AAAA, QueryClass.IN, cancellationToken);
            if (a.Answers.ARecords().Any() || aaaa?.Answers.AaaaRecords().Any() == true)
            {
                return new MxLookupResult(MxLookupStatus.Found, [new MxHost(domain, 0)], null);
            }

            return a.HasError || aaaa?.HasError == true
                ? new MxLookupResult(MxLookupStatus.DnsError, [], $"address lookup of {domain} failed")
                : new MxLookupResult(MxLookupStatus.NoSuchDomain, [], $"{domain} has no MX and no address record");
        }
        catch (DnsResponseException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new MxLookupResult(MxLookupStatus.DnsError, [], $"address lookup of {domain} failed: {e.Message}");
        }
    }
}
