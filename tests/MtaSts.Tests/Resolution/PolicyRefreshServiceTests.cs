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

    private PolicyRefreshService CreateService() =>
        new(_net.Resolver, Microsoft.Extensions.Options.Options.Create(_net.Options), _net.Time, _net.Logs.For<PolicyRefreshService>());

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
}
