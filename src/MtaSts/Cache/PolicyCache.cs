using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace MtaSts.Cache;

/// <summary>
/// The policy cache: a memory front (entries expire with the policy) over a persistent
/// <see cref="IPolicyStore"/> that survives restarts. A store write failure is logged and the policy
/// is still used from memory: a cache problem must not stop delivery.
/// </summary>
public sealed class PolicyCache : IDisposable
{
    private readonly IPolicyStore _store;
    private readonly MemoryCache _memory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the cache over <paramref name="store"/>, expiring memory entries on <paramref name="time"/>.</summary>
    public PolicyCache(IPolicyStore store, TimeProvider time, ILogger<PolicyCache>? logger = null)
    {
        _store = store;
        _time = time;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _memory = new MemoryCache(new MemoryCacheOptions { Clock = new TimeProviderClock(time) });
    }

    /// <summary>The persistent store behind the memory front.</summary>
    public IPolicyStore Store => _store;

    /// <summary>The cached entry of <paramref name="domain"/>, expired or not (the caller decides), or null.</summary>
    public async ValueTask<CachedPolicy?> GetAsync(string domain, CancellationToken cancellationToken)
    {
        if (_memory.TryGetValue(domain, out CachedPolicy? hot))
        {
            return hot;
        }

        var stored = await _store.GetAsync(domain, cancellationToken);
        if (stored is not null)
        {
            Remember(stored);
        }

        return stored;
    }

    /// <summary>Stores <paramref name="entry"/> in memory and on disk.</summary>
    public async Task SetAsync(CachedPolicy entry, CancellationToken cancellationToken)
    {
        Remember(entry);
        try
        {
            await _store.SetAsync(entry, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            MtaStsLog.CacheWriteFailed(_logger, entry.Domain, e.Message);
        }
    }

    /// <summary>Forgets <paramref name="domain"/> in memory and on disk.</summary>
    public async Task RemoveAsync(string domain, CancellationToken cancellationToken)
    {
        _memory.Remove(domain);
        try
        {
            await _store.RemoveAsync(domain, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            MtaStsLog.CacheWriteFailed(_logger, domain, e.Message);
        }
    }

    /// <summary>Drops the memory copy only (another process changed the store, e.g. an operator command).</summary>
    public void Evict(string domain) => _memory.Remove(domain);

    private void Remember(CachedPolicy entry) =>
        _memory.Set(entry.Domain, entry, new MemoryCacheEntryOptions { AbsoluteExpiration = entry.ExpiresAt });

    /// <inheritdoc />
    public void Dispose() => _memory.Dispose();
}
