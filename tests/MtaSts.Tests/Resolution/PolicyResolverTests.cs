using MtaSts.Policy;
using MtaSts.Resolution;
using SimulatedInternet;
using static MtaSts.Tests.Resolution.ResolverFixture;

namespace MtaSts.Tests.Resolution;

/// <summary>The happy paths of rules doc §4: rate limit, same id, new id, expiry, retirement, single flight.</summary>
public sealed class PolicyResolverTests : IAsyncLifetime
{
    private ResolverFixture _net = null!;

    public async Task InitializeAsync() => _net = await StartAsync();

    public async Task DisposeAsync() => await _net.DisposeAsync();

    [Fact]
    public async Task ResolveAsync_FirstContact_FetchesAndStoresPolicy()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 86400, "mx1.example.test", "*.mail.example.test"));

        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.Fetched, result.Source);
        Assert.Equal(MtaStsMode.Enforce, result.Mode);
        Assert.Equal("id1", result.PolicyId);
        Assert.Equal(["mx1.example.test", "*.mail.example.test"], result.Policy!.Mx.Select(m => m.Pattern));
        Assert.Equal(_net.Time.GetUtcNow() + TimeSpan.FromDays(1), result.Entry!.ExpiresAt);
        Assert.Null(result.Failure);
        Assert.Equal((1, 1), (_net.TxtQueries(), _net.Fetches()));
        Assert.Equal("id1", (await _net.Store.GetAsync(Domain, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task ResolveAsync_AgainWithinTxtLookupInterval_UsesCacheWithoutDnsOrHttp()
    {
        _net.Publish(Domain, "id1", PolicyText());
        await _net.ResolveAsync();
        _net.Publish(Domain, "id2", PolicyText("testing")); // not seen until the interval has passed

        _net.Time.Advance(_net.Options.TxtLookupInterval - TimeSpan.FromSeconds(1));
        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.Cache, result.Source);
        Assert.Equal("id1", result.PolicyId);
        Assert.Equal((1, 1), (_net.TxtQueries(), _net.Fetches()));
    }

    [Theory]
    [InlineData("EXAMPLE.test")]
    [InlineData("example.test.")]
    [InlineData(" Example.Test ")]
    public async Task ResolveAsync_SpellingVariantOfCachedDomain_SharesTheEntry(string spelling)
    {
        _net.Publish(Domain, "id1", PolicyText());
        await _net.ResolveAsync();

        var result = await _net.ResolveAsync(spelling);

        Assert.Equal(Domain, result.Domain);
        Assert.Equal(PolicySource.Cache, result.Source);
        Assert.Equal((1, 1), (_net.TxtQueries(), _net.Fetches()));
    }

    [Fact]
    public async Task ResolveAsync_AfterIntervalWithSameId_AsksTxtButDoesNotFetch()
    {
        _net.Publish(Domain, "id1", PolicyText());
        await _net.ResolveAsync();

        _net.Time.Advance(_net.Options.TxtLookupInterval + TimeSpan.FromSeconds(1));
        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.Cache, result.Source);
        Assert.Equal("id1", result.PolicyId);
        Assert.Equal((2, 1), (_net.TxtQueries(), _net.Fetches()));
    }

    [Fact]
    public async Task ResolveAsync_IdChanged_FetchesAndAppliesNewPolicy()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 86400, "old.example.test"));
        await _net.ResolveAsync();
        _net.Publish(Domain, "id2", PolicyText("testing", 604800, "new.example.test"));

        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.Fetched, result.Source);
        Assert.Equal(("id2", MtaStsMode.Testing), (result.PolicyId, result.Mode));
        Assert.Equal("new.example.test", Assert.Single(result.Policy!.Mx).Pattern);
        Assert.Equal(2, _net.Fetches());
        Assert.Equal("id2", (await _net.Store.GetAsync(Domain, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task ResolveAsync_CachedPolicyExpiredWithSameId_FetchesAgain()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 3600, "old.example.test"));
        await _net.ResolveAsync();
        // Domains edit the file without bumping the id; expiry is the only way to notice.
        _net.Serve(Domain, PolicyResponse.Ok(PolicyText("enforce", 3600, "edited.example.test")));

        _net.Time.Advance(TimeSpan.FromSeconds(3600));
        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.Fetched, result.Source);
        Assert.Equal("edited.example.test", Assert.Single(result.Policy!.Mx).Pattern);
        Assert.Equal(_net.Time.GetUtcNow() + TimeSpan.FromHours(1), result.Entry!.ExpiresAt);
        Assert.Equal(2, _net.Fetches());
    }

    [Fact]
    public async Task ResolveAsync_ModeNoneFetched_ReplacesCachedEnforcePolicy()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce"));
        await _net.ResolveAsync();
        _net.Publish(Domain, "retired", PolicyText("none", 86400));

        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var fetched = await _net.ResolveAsync();
        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var later = await _net.ResolveAsync();

        Assert.Equal((PolicySource.Fetched, MtaStsMode.None), (fetched.Source, fetched.Mode));
        Assert.Equal((PolicySource.Cache, MtaStsMode.None, "retired"), (later.Source, later.Mode, later.PolicyId));
        Assert.Equal(MtaStsMode.None, (await _net.Store.GetAsync(Domain, CancellationToken.None))?.Policy.Mode);
        Assert.Equal(2, _net.Fetches());
    }

    [Fact]
    public async Task ResolveAsync_MaxAgeZero_UsedOnceAndNotStored()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 86400, "old.example.test"));
        await _net.ResolveAsync();
        _net.Publish(Domain, "id2", PolicyText("testing", 0, "new.example.test"));

        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var once = await _net.ResolveAsync();
        var next = await _net.ResolveAsync();

        Assert.Equal((PolicySource.Fetched, MtaStsMode.Testing), (once.Source, once.Mode));
        Assert.Null(await _net.Store.GetAsync(Domain, CancellationToken.None));
        Assert.False(File.Exists(_net.EntryPath()));
        // Nothing is kept, so the next delivery needs the policy again, rate limit or not.
        Assert.Equal(PolicySource.Fetched, next.Source);
        Assert.Equal(3, _net.Fetches());
    }

    [Fact]
    public async Task ResolveAsync_LookUpTxtNow_BypassesRateLimit()
    {
        _net.Publish(Domain, "id1", PolicyText());
        await _net.ResolveAsync();
        _net.Publish(Domain, "id2", PolicyText("testing"));

        var result = await _net.ResolveAsync(lookUpTxtNow: true);

        Assert.Equal((PolicySource.Fetched, "id2"), (result.Source, result.PolicyId));
        Assert.Equal((2, 2), (_net.TxtQueries(), _net.Fetches()));
    }

    [Fact]
    public async Task ResolveAsync_FiftyConcurrentFirstContacts_ShareOneLookupAndOneFetch()
    {
        // The delay keeps the first fetch open while the others arrive; it bounds, it is not asserted.
        _net.Publish(Domain, "id1", new PolicyResponse { Body = PolicyText(), Delay = TimeSpan.FromMilliseconds(200) });
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resolutions = Enumerable.Range(0, 50)
            .Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await _net.ResolveAsync();
            }))
            .ToList();

        start.SetResult();
        var results = await Task.WhenAll(resolutions);

        Assert.Equal((1, 1), (_net.TxtQueries(), _net.Fetches()));
        Assert.All(results, r => Assert.Same(results[0].Entry, r.Entry));
        Assert.All(results, r => Assert.Equal("id1", r.PolicyId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("192.0.2.1")]
    [InlineData("[192.0.2.1]")]
    [InlineData("localhost")]
    [InlineData("bad_name!.test")]
    public async Task ResolveAsync_NotADomain_NoPolicyWithWarningAndNoTraffic(string domain)
    {
        var result = await _net.ResolveAsync(domain);

        Assert.Equal(PolicySource.NoPolicy, result.Source);
        Assert.False(string.IsNullOrEmpty(result.Warning));
        Assert.Empty(_net.Dns.Queries);
    }

    [Fact]
    public async Task ForgetAsync_CachedDomain_RemovesEntryAndFetchesNextTime()
    {
        _net.Publish(Domain, "id1", PolicyText());
        await _net.ResolveAsync();

        await _net.Resolver.ForgetAsync(Domain, CancellationToken.None);
        var removed = !File.Exists(_net.EntryPath());
        var result = await _net.ResolveAsync();

        Assert.True(removed);
        Assert.Equal(PolicySource.Fetched, result.Source);
        Assert.Equal((2, 2), (_net.TxtQueries(), _net.Fetches()));
    }

    [Fact]
    public async Task ResolveAsync_WhileFetchOfNewPolicyIsInFlight_JoinsItRatherThanReusingOldAnswer()
    {
        await _net.ResolveAsync(); // no TXT record yet: "no policy" stands for the interval
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _net.Publish(Domain, "id1", new PolicyResponse { Body = PolicyText(), HoldUntil = release.Task });
        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var first = _net.ResolveAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_net.Fetches() == 0)
        {
            await Task.Delay(10, bound.Token); // until the TXT lookup is done and the fetch is held at the host
        }

        var joining = _net.ResolveAsync();
        release.SetResult();
        var second = await joining;

        Assert.Equal(1, _net.Fetches());
        Assert.Equal((PolicySource.Fetched, "id1"), (second.Source, second.PolicyId));
        Assert.Same((await first).Entry, second.Entry);
    }
}
