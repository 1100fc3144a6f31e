using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaSts.Cache;
using MtaSts.Failures;
using MtaSts.Policy;

namespace MtaSts.Resolution;

/// <summary>
/// Refreshes the policies of recently used domains before they expire (RFC 8461 §3.3: senders should
/// refresh proactively so a policy does not lapse between deliveries, which would reopen the
/// downgrade window). Runs every <see cref="MtaStsOptions.RefreshInterval"/> with jitter so many
/// relays, or many domains, do not all fetch at the same moment. At its first round it counts the
/// policies in the store fetched within <see cref="MtaStsOptions.RecentUseWindow"/> as used, so a
/// restart does not forget the domains the relay mails. One domain's failure, or a whole round's,
/// is logged and never stops the service (a faulted BackgroundService would stop the host).
/// </summary>
public sealed class PolicyRefreshService(
    PolicyResolver resolver,
    IOptions<MtaStsOptions> options,
    TimeProvider time,
    ILogger<PolicyRefreshService> logger) : BackgroundService
{
    /// <summary>How often the store is cleaned (expired entries, leftovers): at the first round, then daily.</summary>
    public static readonly TimeSpan HousekeepingInterval = TimeSpan.FromDays(1);

    private bool _rememberedStore;
    private DateTimeOffset _nextHousekeeping;

    /// <summary>
    /// Runs one refresh round now: every recently used domain whose policy is due (<see cref="IsDue"/>).
    /// Returns how many were due.
    /// </summary>
    public async Task<int> RefreshDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (!_rememberedStore)
        {
            var since = now - settings.RecentUseWindow;
            MtaStsLog.RefreshRemembered(logger, await resolver.RememberStoredDomainsAsync(since, cancellationToken), since);
            _rememberedStore = true;
        }

        await HousekeepIfDueAsync(now, cancellationToken);

        var due = new List<CachedPolicy>();
        foreach (var domain in resolver.RecentlyUsedDomains(now - settings.RecentUseWindow))
        {
            if (await GuardAsync(domain, () => resolver.Cache.GetAsync(domain, cancellationToken).AsTask(), cancellationToken) is { } entry
                && IsDue(entry, now, settings))
            {
                due.Add(entry);
            }
        }

        MtaStsLog.RefreshRound(logger, due.Count);
        foreach (var entry in due)
        {
            if (await GuardAsync(entry.Domain, () => resolver.RefreshAsync(entry.Domain, cancellationToken), cancellationToken) is { } result)
            {
                ReportFailure(entry, result);
            }
        }

        return due.Count;
    }

    /// <summary>
    /// True when <paramref name="entry"/> should be fetched again at <paramref name="now"/>: it expires
    /// within <see cref="MtaStsOptions.RefreshAhead"/> or half its lifetime, whichever is shorter. Half
    /// the lifetime keeps a short max_age (a day is common, as is RefreshAhead) from being due at every
    /// round, and a max_age shorter than a round from being due only after it lapsed.
    /// </summary>
    public static bool IsDue(CachedPolicy entry, DateTimeOffset now, MtaStsOptions settings)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(settings);
        // Half the lifetime also means a fresh fetch is never due again at once, whatever max_age is;
        // a policy whose refresh failed stays due, so the next round tries again.
        var halfLife = (entry.ExpiresAt - entry.FetchedAt) / 2;
        var ahead = halfLife < settings.RefreshAhead ? halfLife : settings.RefreshAhead;
        return entry.ExpiresAt - now <= ahead;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var interval = options.Value.RefreshInterval;
            var jitter = TimeSpan.FromTicks((long)(interval.Ticks * 0.25 * Random.Shared.NextDouble()));
            try
            {
                await Task.Delay(interval + jitter, time, stoppingToken);
                await RefreshDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A refresh problem must not fault the service: the default BackgroundServiceExceptionBehavior
                // (StopHost) would stop the whole relay. The next round runs as scheduled.
                MtaStsLog.RefreshRoundError(logger, e);
            }
        }
    }

    /// <summary>
    /// Cleans the store (expired entries, leftovers) here, in the background loop, rather than in a
    /// lookup: no delivery waits for a scan of the cache folder.
    /// </summary>
    private async Task HousekeepIfDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now < _nextHousekeeping || resolver.Cache.Store is not IPolicyStoreHousekeeping store)
        {
            return;
        }

        _nextHousekeeping = now + HousekeepingInterval;
        try
        {
            await store.HousekeepAsync(now, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            MtaStsLog.HousekeepingFailed(logger, "the policy store", e.Message);
        }
    }

    private void ReportFailure(CachedPolicy entry, PolicyResolution result)
    {
        // A failed refresh only matters where a policy is being enforced or tested.
        var mode = entry.Policy.Mode;
        if (mode == MtaStsMode.None)
        {
            return;
        }

        var modeName = mode.ToString().ToLowerInvariant();
        if (result.Failure is { } failure)
        {
            MtaStsLog.RefreshFailed(logger, entry.Domain, modeName, entry.ExpiresAt, failure.Type.ToResultType(), failure.Reason);
        }
        else if (result.TxtLookupFailed)
        {
            MtaStsLog.RefreshTxtLookupFailed(logger, entry.Domain, modeName, entry.ExpiresAt, result.Warning ?? "DNS error");
        }
    }

    /// <summary>Runs one domain's step; an unexpected exception is logged (2010) and gives null, so the round goes on.</summary>
    private async Task<T?> GuardAsync<T>(string domain, Func<Task<T>> step, CancellationToken cancellationToken) where T : class?
    {
        try
        {
            return await step();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // One domain's broken cache entry or a resolver bug must not end the round for the others.
            MtaStsLog.RefreshDomainError(logger, domain, e);
            return null;
        }
    }
}
