using Microsoft.Extensions.Logging;
using MtaSts.Cache;
using MtaSts.Resolution;
using SimulatedInternet;
using static MtaSts.Tests.Resolution.ResolverFixture;

namespace MtaSts.Tests.Resolution;

/// <summary>Rules doc §4: refresh before expiry, only for recently used domains; log failures of policies that matter.</summary>
public sealed class PolicyRefreshServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(2);
    private ResolverFixture _net = null!;

    public async Task InitializeAsync() => _net = await StartAsync(o =>
    {
        o.RefreshAhead = TimeSpan.FromDays(1);
        o.RecentUseWindow = TimeSpan.FromDays(1);
        o.RefreshInterval = TimeSpan.FromHours(1);
    });

    public async Task DisposeAsync() => await _net.DisposeAsync();

    private PolicyRefreshService CreateService(PolicyResolver? resolver = null) =>
        new(resolver ?? _net.Resolver, Microsoft.Extensions.Options.Options.Create(_net.Options), _net.Time, _net.Logs.For<PolicyRefreshService>());

    /// <summary>A resolver like the fixture's, over <paramref name="store"/>.</summary>
    private (PolicyResolver Resolver, PolicyCache Cache) CreateResolver(IPolicyStore store)
    {
        var cache = new PolicyCache(store, _net.Time);
        return (new PolicyResolver(_net.Discovery, _net.Fetcher, cache, _net.Options, _net.Time, _net.Logs.For<PolicyResolver>()), cache);
    }

    private async Task UseDomainAsync(string mode = "enforce")
    {
        _net.Publish(Domain, "id1", PolicyText(mode, (long)MaxAge.TotalSeconds));
        await _net.ResolveAsync();
    }

    [Fact]
    public async Task RefreshDueAsync_RecentlyUsedDomainExpiringWithinRefreshAhead_FetchedAndExtended()
    {
        await UseDomainAsync();
        var before = await _net.Cache.GetAsync(Domain, CancellationToken.None);
        _net.Time.Advance(TimeSpan.FromHours(12));
        await _net.ResolveAsync(); // used again: recent
        _net.Time.Advance(TimeSpan.FromHours(13)); // expires in 23 h

        var refreshed = await CreateService().RefreshDueAsync(CancellationToken.None);
        var after = await _net.Cache.GetAsync(Domain, CancellationToken.None);

        Assert.Equal(1, refreshed);
        Assert.Equal(2, _net.Fetches());
        Assert.Equal(_net.Time.GetUtcNow() + MaxAge, after!.ExpiresAt);
        Assert.True(after.ExpiresAt > before!.ExpiresAt);
        Assert.Equal(after.ExpiresAt, (await new MtaSts.Cache.FilePolicyStore(_net.Folder).GetAsync(Domain, CancellationToken.None))?.ExpiresAt);
    }

    [Fact]
    public async Task RefreshDueAsync_PolicyNotExpiringSoon_NotFetched()
    {
        await UseDomainAsync();
        _net.Time.Advance(TimeSpan.FromHours(20)); // expires in 28 h, used 20 h ago

        var refreshed = await CreateService().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(0, refreshed);
        Assert.Equal(1, _net.Fetches());
    }

    [Fact]
    public async Task RefreshDueAsync_DomainNotUsedWithinRecentUseWindow_NotFetchedAndForgotten()
    {
        await UseDomainAsync();
        _net.Time.Advance(TimeSpan.FromHours(25)); // expires in 23 h, but last used 25 h ago

        var refreshed = await CreateService().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(0, refreshed);
        Assert.Equal(1, _net.Fetches());
        Assert.Empty(_net.Resolver.RecentlyUsedDomains(DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task RefreshDueAsync_FailedRefreshOfEnforcePolicy_LogsWarningAndKeepsPolicy()
    {
        await UseDomainAsync("enforce");
        _net.Serve(Domain, PolicyResponse.Error(503));
        _net.Time.Advance(TimeSpan.FromHours(13));
        await _net.ResolveAsync();
        _net.Time.Advance(TimeSpan.FromHours(12));

        await CreateService().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(2, _net.Fetches());
        var warning = Assert.Single(_net.Logs.WithEventId(2004));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains(Domain, warning.Message, StringComparison.Ordinal);
        Assert.Contains("sts-policy-fetch-error", warning.Message, StringComparison.Ordinal);
        Assert.Equal("id1", (await _net.Cache.GetAsync(Domain, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task RefreshDueAsync_FailedRefreshOfModeNonePolicy_NoRefreshWarning()
    {
        await UseDomainAsync("none");
        _net.Serve(Domain, PolicyResponse.Error(503));
        _net.Time.Advance(TimeSpan.FromHours(13));
        await _net.ResolveAsync();
        _net.Time.Advance(TimeSpan.FromHours(12));

        await CreateService().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(2, _net.Fetches());
        Assert.Empty(_net.Logs.WithEventId(2004));
    }

    [Fact]
    public async Task ExecuteAsync_AfterRefreshInterval_RunsARoundThatRefetchesThePolicy()
    {
        await UseDomainAsync();
        _net.Time.Advance(TimeSpan.FromHours(12));
        await _net.ResolveAsync();
        _net.Time.Advance(TimeSpan.FromHours(13));
        var firstFetch = _net.Time.GetUtcNow() - TimeSpan.FromHours(25);
        var service = CreateService();
        await service.StartAsync(CancellationToken.None);

        // ExecuteAsync starts on a background task, so its timer may be armed after any single
        // Advance: step the clock a minute at a time until a round for the domain has begun (event 2007), then stop
        // moving it, so the round's own fetch deadline (on the same clock) cannot expire under it.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!_net.Logs.WithEventId(2007).Any(e => e.Message.Contains("of 1 domain", StringComparison.Ordinal)))
        {
            _net.Time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20, bound.Token);
        }

        while ((await _net.Cache.GetAsync(Domain, CancellationToken.None))!.FetchedAt == firstFetch)
        {
            await Task.Delay(20, bound.Token);
        }

        await service.StopAsync(CancellationToken.None);
        Assert.Equal(2, _net.Fetches());
        Assert.NotEqual(firstFetch, (await _net.Cache.GetAsync(Domain, CancellationToken.None))!.FetchedAt);
    }

    [Fact]
    public async Task RefreshDueAsync_OneDomainThrows_LoggedAndTheOtherDomainsRefreshed()
    {
        var store = new BrokenPolicyStore(_net.Store);
        var (resolver, cache) = CreateResolver(store);
        using var _ = cache;
        _net.Publish("broken.test", "b1", PolicyText("enforce", (long)MaxAge.TotalSeconds));
        _net.Publish(Domain, "id1", PolicyText("enforce", (long)MaxAge.TotalSeconds));
        await resolver.ResolveAsync("broken.test", CancellationToken.None);
        await resolver.ResolveAsync(Domain, CancellationToken.None);
        _net.Time.Advance(TimeSpan.FromHours(12));
        await resolver.ResolveAsync("broken.test", CancellationToken.None);
        await resolver.ResolveAsync(Domain, CancellationToken.None);
        _net.Time.Advance(TimeSpan.FromHours(13));
        cache.Evict("broken.test");
        store.BrokenDomain = "broken.test";

        await CreateService(resolver).RefreshDueAsync(CancellationToken.None);

        Assert.Equal(2, _net.Fetches(Domain));
        var error = Assert.Single(_net.Logs.WithEventId(2010));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("broken.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_RoundThrows_LoggedAndTheServiceKeepsRunning()
    {
        var store = new BrokenPolicyStore(_net.Store) { ListingsToBreak = 1 };
        var (resolver, cache) = CreateResolver(store);
        using var _ = cache;
        var service = CreateService(resolver);
        await service.StartAsync(CancellationToken.None);

        // Step the clock until the first round has failed (2011) and a second one has run (2007),
        // or the service has stopped, which is the bug.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (_net.Logs.WithEventId(2007).Count == 0 && !service.ExecuteTask!.IsCompleted)
        {
            _net.Time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20, bound.Token);
        }

        Assert.False(service.ExecuteTask!.IsCompleted, service.ExecuteTask.Exception?.ToString());
        await service.StopAsync(CancellationToken.None);
        var error = Assert.Single(_net.Logs.WithEventId(2011));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task RefreshDueAsync_MaxAgeOneDayEqualToRefreshAhead_DueAtHalfLifeNotEveryRound()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 86400));
        await _net.ResolveAsync();
        var service = CreateService();

        var dueAtEachHour = new List<int>();
        for (var hour = 1; hour <= 13; hour++)
        {
            _net.Time.Advance(TimeSpan.FromHours(1));
            await _net.ResolveAsync();
            dueAtEachHour.Add(await service.RefreshDueAsync(CancellationToken.None));
        }

        // Remaining lifetime first reaches half of max_age (12 h) at hour 12; the refetch at hour 12
        // starts a new lifetime, so hour 13 is not due again.
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], dueAtEachHour);
        Assert.Equal(2, _net.Fetches());
    }

    [Fact]
    public async Task RefreshDueAsync_MaxAgeShorterThanARoundPastHalfItsLife_RefreshedBeforeItLapses()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 3600));
        await _net.ResolveAsync();
        _net.Time.Advance(TimeSpan.FromMinutes(40)); // 20 min left: the next round (1 h) would come too late

        var refreshed = await CreateService().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(1, refreshed);
        Assert.Equal(2, _net.Fetches());
    }

    [Fact]
    public async Task RefreshDueAsync_JustRefreshed_NotDueAgainAtTheNextRound()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 86400));
        await _net.ResolveAsync();
        _net.Time.Advance(TimeSpan.FromHours(13)); // 11 h left of 24: due
        var service = CreateService();
        await service.RefreshDueAsync(CancellationToken.None);
        _net.Time.Advance(TimeSpan.FromHours(1));

        var refreshed = await service.RefreshDueAsync(CancellationToken.None);

        Assert.Equal(0, refreshed);
        Assert.Equal(2, _net.Fetches());
    }

    [Theory]
    [InlineData(86400, 12, 1, false)]
    [InlineData(86400, 12, 0, true)] // 12 h left of 24: half its life
    [InlineData(604800, 24, 0, true)] // a week: RefreshAhead (1 day) is the shorter
    [InlineData(604800, 24, 1, false)]
    [InlineData(3600, 0, 30, true)] // max_age under a round (1 h): due at half its life, before it lapses
    [InlineData(3600, 0, 31, false)]
    public void IsDue_RemainingLifetime_ComparedWithTheShorterOfRefreshAheadAndHalfMaxAge(long maxAgeSeconds, int hoursLeft, int minutesLeft, bool due)
    {
        var fetched = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var expires = fetched.AddSeconds(maxAgeSeconds);
        var entry = new CachedPolicy(Domain, "id1", MtaSts.Policy.PolicyParser.Parse(PolicyText("enforce", maxAgeSeconds)).Policy!, fetched, expires);

        var now = expires - new TimeSpan(hoursLeft, minutesLeft, 0);

        Assert.Equal(due, PolicyRefreshService.IsDue(entry, now, _net.Options));
    }

    [Fact]
    public async Task RefreshDueAsync_AfterRestart_RefreshesDomainsWhosePolicyWasFetchedWithinRecentUseWindow()
    {
        _net.Options.RecentUseWindow = TimeSpan.FromDays(7);
        await UseDomainAsync();
        _net.Restart(); // the record of use was in memory only
        _net.Time.Advance(TimeSpan.FromHours(25)); // expires in 23 h

        var refreshed = await CreateService().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(1, refreshed);
        Assert.Equal(2, _net.Fetches());
        Assert.Contains("1 domain(s)", Assert.Single(_net.Logs.WithEventId(2013)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshDueAsync_AfterRestart_PolicyFetchedBeforeRecentUseWindow_NotRefreshed()
    {
        await UseDomainAsync(); // window is 1 day
        _net.Restart();
        _net.Time.Advance(TimeSpan.FromHours(25));

        var refreshed = await CreateService().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(0, refreshed);
        Assert.Equal(1, _net.Fetches());
    }

    [Fact]
    public async Task RefreshDueAsync_TxtLookupFails_WarnsAndKeepsPolicy()
    {
        await UseDomainAsync();
        _net.Time.Advance(TimeSpan.FromHours(12));
        await _net.ResolveAsync();
        _net.Time.Advance(TimeSpan.FromHours(13));
        _net.Dns.SetResponseCode("_mta-sts." + Domain, DnsRcode.ServFail);

        await CreateService().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(1, _net.Fetches());
        var warning = Assert.Single(_net.Logs.WithEventId(2012));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(Domain, warning.Message, StringComparison.Ordinal);
        Assert.Contains("the cached policy is kept", warning.Message, StringComparison.Ordinal);
        Assert.Equal("id1", (await _net.Cache.GetAsync(Domain, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task RefreshDueAsync_FirstRoundThenDaily_RemovesStoreEntriesExpiredLongAgo()
    {
        // Housekeeping runs in the refresh loop, never inside a delivery's lookup.
        var now = _net.Time.GetUtcNow();
        var policy = MtaSts.Policy.PolicyParser.Parse(PolicyText("enforce", 86400)).Policy!;
        var longAgo = new CachedPolicy("old.test", "id1", policy, now.AddDays(-30), now - FilePolicyStore.ExpiredEntryGrace - TimeSpan.FromSeconds(1));
        await _net.Store.SetAsync(longAgo, CancellationToken.None);
        var service = CreateService();

        await service.RefreshDueAsync(CancellationToken.None);
        var afterFirst = File.Exists(_net.EntryPath("old.test"));
        await _net.Store.SetAsync(longAgo with { Domain = "old2.test" }, CancellationToken.None);
        _net.Time.Advance(PolicyRefreshService.HousekeepingInterval - TimeSpan.FromSeconds(1));
        await service.RefreshDueAsync(CancellationToken.None);
        var sameDay = File.Exists(_net.EntryPath("old2.test"));
        _net.Time.Advance(TimeSpan.FromSeconds(1));
        await service.RefreshDueAsync(CancellationToken.None);

        Assert.False(afterFirst);
        Assert.True(sameDay);
        Assert.False(File.Exists(_net.EntryPath("old2.test")));
        Assert.Equal(2, _net.Logs.WithEventId(2014).Count);
    }

    [Fact]
    public async Task CacheLookup_ExpiredEntryLongAgo_NotRemovedByTheLookup()
    {
        var now = _net.Time.GetUtcNow();
        var policy = MtaSts.Policy.PolicyParser.Parse(PolicyText("enforce", 86400)).Policy!;
        await _net.Store.SetAsync(new CachedPolicy("old.test", "id1", policy, now.AddDays(-30), now.AddDays(-20)), CancellationToken.None);

        await _net.Cache.GetAsync(Domain, CancellationToken.None);

        Assert.True(File.Exists(_net.EntryPath("old.test")));
    }
}
