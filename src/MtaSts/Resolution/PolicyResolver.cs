using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using MtaSts.Cache;
using MtaSts.Discovery;
using MtaSts.Failures;
using MtaSts.Fetch;

namespace MtaSts.Resolution;

/// <summary>
/// Resolves a recipient domain's MTA-STS policy: TXT record, then cache, then fetch (RFC 8461 §3.3,
/// §5.1; rules doc §4). Decisions:
/// <list type="bullet">
/// <item>The TXT record is asked for at most once per <see cref="MtaStsOptions.TxtLookupInterval"/> per domain; in between the last answer stands.</item>
/// <item>Same id and unexpired cache ⇒ cache. New id, nothing cached or cache expired ⇒ fetch (an expired policy is fetched even if the id did not change).</item>
/// <item>A failed fetch keeps the unexpired cached policy; without one the domain has no policy. The same domain and id are not fetched again for 5 minutes.</item>
/// <item>TXT gone or invalid while an unexpired policy is cached ⇒ keep it and warn (possible downgrade).</item>
/// <item>TXT lookup failed (SERVFAIL, timeout) while an unexpired policy is cached ⇒ keep it and warn, at most once per <see cref="MtaStsOptions.TxtLookupInterval"/> (at least a minute) per domain.</item>
/// <item>A fetched <c>mode: none</c> replaces the cache at once; <c>max_age: 0</c> is used once and not kept.</item>
/// <item>Concurrent resolutions of one domain share one lookup and fetch (single flight).</item>
/// </list>
/// </summary>
public sealed class PolicyResolver
{
    private readonly StsTxtDiscovery _discovery;
    private readonly PolicyFetcher _fetcher;
    private readonly PolicyCache _cache;
    private readonly MtaStsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MtaStsMetrics _metrics;
    private readonly ConcurrentDictionary<string, DomainState> _domains = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<PolicyResolution>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Creates a resolver over its three stages; its instruments go on <paramref name="meterFactory"/>'s <see cref="MtaStsMetrics.MeterName"/> meter.</summary>
    public PolicyResolver(StsTxtDiscovery discovery, PolicyFetcher fetcher, PolicyCache cache, MtaStsOptions options, TimeProvider time, ILogger<PolicyResolver>? logger = null, IMeterFactory? meterFactory = null)
    {
        _discovery = discovery;
        _fetcher = fetcher;
        _cache = cache;
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _metrics = MtaStsMetrics.Create(meterFactory);
    }

    /// <summary>The cache behind the resolver.</summary>
    public PolicyCache Cache => _cache;

    /// <summary>
    /// The policy that governs delivery to <paramref name="domain"/> now. With
    /// <paramref name="lookUpTxtNow"/> the TXT record is asked for even inside the rate-limit window
    /// (RFC 8461 §5.1: look for a new policy before bouncing for a policy failure).
    /// </summary>
    public ValueTask<PolicyResolution> ResolveAsync(string domain, CancellationToken cancellationToken, bool lookUpTxtNow = false)
    {
        if (!DomainName.TryNormalize(domain, out var name, out var error))
        {
            _metrics.Looked(PolicySource.NoPolicy);
            return ValueTask.FromResult(new PolicyResolution(domain, PolicySource.NoPolicy, null, Warning: error));
        }

        var now = _time.GetUtcNow();
        var state = _domains.GetOrAdd(name, static _ => new DomainState());
        state.LastUsed = now;
        if (!lookUpTxtNow && state.ReusableAt(now) is { } reusable)
        {
            _metrics.Looked(reusable.Source);
            return ValueTask.FromResult(reusable);
        }

        return new ValueTask<PolicyResolution>(CountedAsync(SingleFlightAsync(name, state, refresh: false, reuse: !lookUpTxtNow, cancellationToken)));
    }

    private async Task<PolicyResolution> CountedAsync(Task<PolicyResolution> resolving)
    {
        var resolution = await resolving;
        _metrics.Looked(resolution.Source);
        return resolution;
    }

    /// <summary>
    /// Looks up the TXT record and fetches the policy even if the id is unchanged, to extend a policy
    /// before it expires (RFC 8461 §3.3 proactive refresh). Returns the resulting resolution.
    /// </summary>
    public Task<PolicyResolution> RefreshAsync(string domain, CancellationToken cancellationToken)
    {
        var name = DomainName.Normalize(domain);
        var state = _domains.GetOrAdd(name, static _ => new DomainState());
        return SingleFlightAsync(name, state, refresh: true, reuse: false, cancellationToken);
    }

    /// <summary>Forgets everything about <paramref name="domain"/>: cache entry, rate limit, back-off.</summary>
    public async Task ForgetAsync(string domain, CancellationToken cancellationToken)
    {
        var name = DomainName.Normalize(domain);
        _domains.TryRemove(name, out _);
        await _cache.RemoveAsync(name, cancellationToken);
    }

    /// <summary>
    /// After a restart, counts every stored policy fetched since <paramref name="since"/> as used when
    /// it was fetched, so the proactive refresh keeps the policies of domains the relay mails (the
    /// in-memory record of use dies with the process; the store does not). Returns how many.
    /// </summary>
    public async Task<int> RememberStoredDomainsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var remembered = 0;
        foreach (var entry in await _cache.Store.ListAsync(cancellationToken))
        {
            // A domain already known was used in this process, at least as recently as it was fetched.
            if (entry.FetchedAt >= since && _domains.TryAdd(entry.Domain, new DomainState { LastUsed = entry.FetchedAt }))
            {
                remembered++;
            }
        }

        return remembered;
    }

    /// <summary>Domains resolved since <paramref name="since"/>, for the proactive refresh; older ones are forgotten.</summary>
    public IReadOnlyList<string> RecentlyUsedDomains(DateTimeOffset since)
    {
        var recent = new List<string>();
        foreach (var (domain, state) in _domains)
        {
            if (state.LastUsed >= since)
            {
                recent.Add(domain);
            }
            else
            {
                _domains.TryRemove(domain, out _); // bounded memory: idle domains drop out
            }
        }

        return recent;
    }

    private async Task<PolicyResolution> SingleFlightAsync(string domain, DomainState state, bool refresh, bool reuse, CancellationToken cancellationToken)
    {
        var mine = new TaskCompletionSource<PolicyResolution>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(domain, mine.Task);
        if (shared != mine.Task)
        {
            return await shared.WaitAsync(cancellationToken);
        }

        try
        {
            // A flight that ended between this caller's reuse check and now has settled the answer:
            // take it rather than ask DNS again. Not tied to one caller's token: other callers wait
            // on it; DNS and fetch timeouts bound it.
            var resolution = (reuse ? state.ReusableAt(_time.GetUtcNow()) : null)
                ?? await ResolveSlowAsync(domain, state, refresh, CancellationToken.None);
            mine.SetResult(resolution);
        }
        catch (Exception e)
        {
            mine.SetException(e);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<PolicyResolution>>(domain, mine.Task));
        }

        return await mine.Task.WaitAsync(cancellationToken);
    }

    private async Task<PolicyResolution> ResolveSlowAsync(string domain, DomainState state, bool refresh, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var cached = await _cache.GetAsync(domain, cancellationToken);
        var usable = cached is not null && !cached.IsExpired(now) ? cached : null;
        var txt = await _discovery.DiscoverAsync(domain, cancellationToken);

        var resolution = txt.Status switch
        {
            TxtDiscoveryStatus.Found when usable is not null && usable.Id == txt.Record!.Id && !refresh =>
                new PolicyResolution(domain, PolicySource.Cache, usable),
            TxtDiscoveryStatus.Found => await FetchAsync(domain, txt.Record!.Id, usable, state, now, cancellationToken),
            TxtDiscoveryStatus.DnsError => OnDnsTrouble(domain, txt, usable, state, now),
            _ => OnNoTxt(domain, txt, usable),
        };

        if (txt.Status != TxtDiscoveryStatus.DnsError)
        {
            state.EndDnsTrouble();
        }

        // Reuse until the next TXT lookup is due (or the policy expires, if sooner); DNS trouble is
        // retried at the next delivery instead.
        var reusable = txt.Status == TxtDiscoveryStatus.DnsError ? null
            : resolution.Source == PolicySource.Fetched ? resolution with { Source = PolicySource.Cache }
            : resolution;
        state.Reuse(reusable, ReuseUntil(now, reusable?.Entry));
        return resolution;
    }

    /// <summary>The TXT lookup at <paramref name="lookedUpAt"/> stands for <see cref="MtaStsOptions.TxtLookupInterval"/>, never past the policy's expiry.</summary>
    private DateTimeOffset ReuseUntil(DateTimeOffset lookedUpAt, CachedPolicy? entry)
    {
        var interval = _options.TxtLookupInterval;
        var until = interval >= DateTimeOffset.MaxValue - lookedUpAt ? DateTimeOffset.MaxValue : lookedUpAt + interval;
        return entry is not null && entry.ExpiresAt < until ? entry.ExpiresAt : until;
    }

    private async Task<PolicyResolution> FetchAsync(string domain, string id, CachedPolicy? usable, DomainState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromTicks(Math.Max(_options.FetchRetryBackoff.Ticks, MtaStsOptions.MinimumFetchRetryBackoff.Ticks));
        if (state.RecentFetchFailure(id, now, backoff) is { } recent)
        {
            return usable is not null
                ? new PolicyResolution(domain, PolicySource.CacheAfterFailure, usable, recent)
                : new PolicyResolution(domain, PolicySource.NoPolicy, null, recent);
        }

        var fetched = await _fetcher.FetchAsync(domain, cancellationToken);
        _metrics.Fetched(fetched.Failure);
        if (fetched.Policy is not { } policy)
        {
            return OnFetchFailed(domain, id, usable, state, now, fetched.Failure!);
        }

        state.ClearFetchFailures();
        var entry = new CachedPolicy(domain, id, policy, now, now + policy.MaxAge);
        MtaStsLog.PolicyFetched(_logger, domain, id, policy.Mode.ToString().ToLowerInvariant(), (long)policy.MaxAge.TotalSeconds, string.Join(' ', policy.Mx));
        if (policy.MaxAge == TimeSpan.Zero)
        {
            // max_age 0: "do not keep this policy" — applies to this delivery only.
            await _cache.RemoveAsync(domain, cancellationToken);
            MtaStsLog.PolicyRetired(_logger, domain);
        }
        else
        {
            await _cache.SetAsync(entry, cancellationToken);
        }

        return new PolicyResolution(domain, PolicySource.Fetched, entry);
    }

    private PolicyResolution OnFetchFailed(string domain, string id, CachedPolicy? usable, DomainState state, DateTimeOffset now, StsFailure failure)
    {
        state.RecordFetchFailure(id, now, failure);
        var consequence = usable is not null
            ? $"keeping cached policy id={usable.Id} mode={usable.Policy.Mode.ToString().ToLowerInvariant()} until {usable.ExpiresAt:u}"
            : "delivering as if the domain had no policy";
        MtaStsLog.PolicyFetchFailed(_logger, domain, id, failure.Type.ToResultType(), failure.Reason, consequence);
        return usable is not null
            ? new PolicyResolution(domain, PolicySource.CacheAfterFailure, usable, failure)
            : new PolicyResolution(domain, PolicySource.NoPolicy, null, failure);
    }

    private PolicyResolution OnNoTxt(string domain, TxtDiscoveryResult txt, CachedPolicy? usable)
    {
        if (usable is null)
        {
            return new PolicyResolution(domain, PolicySource.NoPolicy, null,
                Warning: txt.Status == TxtDiscoveryStatus.Invalid ? txt.Reason : null);
        }

        var state = txt.Status == TxtDiscoveryStatus.Invalid ? "invalid" : "gone";
        MtaStsLog.TxtGoneWhileCached(_logger, domain, state, usable.Id, usable.Policy.Mode.ToString().ToLowerInvariant(), usable.ExpiresAt, txt.Reason);
        return new PolicyResolution(domain, PolicySource.Cache, usable,
            Warning: $"TXT record {state} while a policy is cached (possible downgrade): {txt.Reason}");
    }

    private PolicyResolution OnDnsTrouble(string domain, TxtDiscoveryResult txt, CachedPolicy? usable, DomainState state, DateTimeOffset now)
    {
        if (usable is not null)
        {
            // Not a downgrade signal (no answer is not "no record") but worth knowing: the cached
            // policy carries delivery until it expires. Every delivery retries the lookup, so the
            // warning is rate-limited per domain.
            if (state.TakeDnsTroubleLogTurn(now, DnsTroubleLogInterval))
            {
                MtaStsLog.TxtLookupFailedWhileCached(_logger, domain, txt.Reason ?? "DNS error", usable.Id,
                    usable.Policy.Mode.ToString().ToLowerInvariant(), usable.ExpiresAt);
            }

            return new PolicyResolution(domain, PolicySource.Cache, usable, Warning: txt.Reason, TxtLookupFailed: true);
        }

        state.DnsTroubleSince ??= now;
        var defer = _options.DeferOnDnsTrouble && now - state.DnsTroubleSince.Value < _options.DnsTroubleDeferLimit;
        MtaStsLog.DnsTrouble(_logger, domain, txt.Reason ?? "DNS error",
            defer ? "deferring delivery (DeferOnDnsTrouble)" : "delivering as if the domain had no policy");
        return new PolicyResolution(domain, PolicySource.NoPolicy, null, Warning: txt.Reason, DeferRecommended: defer, TxtLookupFailed: true);
    }

    /// <summary>At most one "TXT lookup failed, keeping the cached policy" warning per domain in this interval.</summary>
    private TimeSpan DnsTroubleLogInterval => _options.TxtLookupInterval > TimeSpan.FromMinutes(1) ? _options.TxtLookupInterval : TimeSpan.FromMinutes(1);
}
