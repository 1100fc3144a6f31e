using Microsoft.Extensions.Logging;
using MtaSts.Cache;
using MtaSts.Failures;
using MtaSts.Resolution;

namespace MtaStsRelay.Control;

/// <summary>
/// <c>policy refresh|forget</c> through a <see cref="PolicyResolver"/>: the running relay's own (so
/// its memory cache and per-domain state change with the disk), or the command's when the relay is
/// stopped. A refresh obeys the resolver's rules, including the RFC 8461 §3.3 back-off: a fetch for
/// the same domain and id that failed within 5 minutes is not repeated, its failure is reported.
/// </summary>
internal sealed class PolicyActions(PolicyResolver resolver, ILogger logger)
{
    public async Task<ControlResult> RefreshAsync(string domain, CancellationToken cancellationToken)
    {
        var resolution = await resolver.RefreshAsync(domain, cancellationToken);
        return resolution switch
        {
            { Source: PolicySource.Fetched, Entry: { } entry } when entry.Policy.MaxAge == TimeSpan.Zero =>
                ControlResult.Ok($"{domain}: fetched {Describe(entry)}; max_age 0 means the policy is not kept, so the cache holds nothing"),
            { Source: PolicySource.Fetched, Entry: { } entry } =>
                ControlResult.Ok($"{domain}: fetched and stored {Describe(entry)}, expires {entry.ExpiresAt:u}"),
            { Source: PolicySource.Cache, Failure: null, Warning: null, Entry: { } current } =>
                ControlResult.Ok($"{domain}: a lookup running at the same time found {Describe(current)} current; expires {current.ExpiresAt:u}"),
            { Entry: { } kept } =>
                ControlResult.Nothing($"{domain}: not refreshed: {Why(resolution)}; keeping the cached {Describe(kept)} until {kept.ExpiresAt:u}"),
            _ => ControlResult.Nothing($"{domain}: no policy: {Why(resolution)}"),
        };
    }

    public async Task<ControlResult> ForgetAsync(string domain, CancellationToken cancellationToken)
    {
        var cached = await resolver.Cache.GetAsync(domain, cancellationToken);
        await resolver.ForgetAsync(domain, cancellationToken);
        if (cached is null)
        {
            return ControlResult.Nothing($"{domain}: nothing cached; the next delivery looks up its TXT record anyway");
        }

        ControlLog.PolicyForgotten(logger, domain, cached.Id);
        return ControlResult.Ok($"{domain}: forgot {Describe(cached)}; the next delivery looks up the TXT record and fetches the policy again");
    }

    /// <summary>One line of a cached policy: id, mode, max_age and mx patterns.</summary>
    public static string Describe(CachedPolicy entry) =>
        $"policy id={entry.Id} mode={entry.Policy.Mode.ToString().ToLowerInvariant()} max_age={(long)entry.Policy.MaxAge.TotalSeconds} mx={string.Join(',', entry.Policy.Mx)}";

    private static string Why(PolicyResolution resolution) =>
        resolution.Failure is { } failure ? $"fetch failed ({failure.Type.ToResultType()}: {failure.Reason})"
        : resolution.Warning ?? "the domain publishes no MTA-STS TXT record";
}
