using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaSts.Failures;
using MtaSts.Policy;

namespace MtaSts.Resolution;

/// <summary>
/// Refreshes the policies of recently used domains before they expire (RFC 8461 §3.3: senders should
/// refresh proactively so a policy does not lapse between deliveries, which would reopen the
/// downgrade window). Runs every <see cref="MtaStsOptions.RefreshInterval"/> with jitter so many
/// relays, or many domains, do not all fetch at the same moment.
/// </summary>
public sealed class PolicyRefreshService(
    PolicyResolver resolver,
    IOptions<MtaStsOptions> options,
    TimeProvider time,
    ILogger<PolicyRefreshService> logger) : BackgroundService
{
    /// <summary>Runs one refresh round now: every recently used domain whose policy expires within <see cref="MtaStsOptions.RefreshAhead"/>.</summary>
    public async Task<int> RefreshDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var due = new List<(string Domain, MtaStsPolicy Policy, DateTimeOffset ExpiresAt)>();
        foreach (var domain in resolver.RecentlyUsedDomains(now - settings.RecentUseWindow))
        {
            var entry = await resolver.Cache.GetAsync(domain, cancellationToken);
            if (entry is not null && entry.ExpiresAt - now <= settings.RefreshAhead)
            {
                due.Add((domain, entry.Policy, entry.ExpiresAt));
            }
        }

        MtaStsLog.RefreshRound(logger, due.Count);
        foreach (var (domain, policy, expiresAt) in due)
        {
            var result = await resolver.RefreshAsync(domain, cancellationToken);
            // A failed refresh only matters where a policy is being enforced or tested.
            if (result.Failure is { } failure && policy.Mode != MtaStsMode.None)
            {
                MtaStsLog.RefreshFailed(logger, domain, policy.Mode.ToString().ToLowerInvariant(), expiresAt, failure.Type.ToResultType(), failure.Reason);
            }
        }

        return due.Count;
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
        }
    }
}
