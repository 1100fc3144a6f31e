using Microsoft.Extensions.Time.Testing;
using MtaSts.Cache;
using static MtaSts.Tests.Cache.TempFolder;

namespace MtaSts.Tests.Cache;

/// <summary>The memory front over the file store: expiry on TimeProvider time, load on demand, write-through.</summary>
public sealed class PolicyCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LogSink _logs = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FilePolicyStore _store;
    private readonly PolicyCache _cache;

    public PolicyCacheTests()
    {
        _store = new FilePolicyStore(_folder.Path, _logs.For<FilePolicyStore>());
        _cache = new PolicyCache(_store, _time, _logs.For<PolicyCache>());
    }

    public void Dispose()
    {
        _cache.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task SetAsync_WritesThroughToTheStore()
    {
        await _cache.SetAsync(Entry("example.test"), CancellationToken.None);

        Assert.Equal(Entry("example.test"), await new FilePolicyStore(_folder.Path).GetAsync("example.test", CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_AfterSet_ServedFromMemoryWithoutTheFile()
    {
        await _cache.SetAsync(Entry("example.test"), CancellationToken.None);
        File.Delete(System.IO.Path.Combine(_folder.Path, "example.test.json"));

        Assert.Equal("id1", (await _cache.GetAsync("example.test", CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task GetAsync_StoredByEarlierProcess_LoadedOnceThenFromMemory()
    {
        await _store.SetAsync(Entry("example.test"), CancellationToken.None);
        using var fresh = new PolicyCache(_store, _time);

        var first = await fresh.GetAsync("example.test", CancellationToken.None);
        File.Delete(System.IO.Path.Combine(_folder.Path, "example.test.json"));
        var second = await fresh.GetAsync("example.test", CancellationToken.None);

        Assert.Equal("id1", first?.Id);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task GetAsync_MemoryEntryExpiresWithThePolicy_OnTimeProviderTime()
    {
        await _cache.SetAsync(Entry("example.test", maxAgeSeconds: 3600), CancellationToken.None);
        File.Delete(System.IO.Path.Combine(_folder.Path, "example.test.json"));

        _time.Advance(TimeSpan.FromSeconds(3599));
        var before = await _cache.GetAsync("example.test", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var at = await _cache.GetAsync("example.test", CancellationToken.None);

        Assert.NotNull(before);
        Assert.Null(at);
    }

    [Fact]
    public async Task GetAsync_ExpiredEntryOnDisk_ReturnedForTheCallerToJudge()
    {
        await _store.SetAsync(Entry("example.test", maxAgeSeconds: 60), CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(2));
        var entry = await _cache.GetAsync("example.test", CancellationToken.None);

        Assert.True(entry?.IsExpired(_time.GetUtcNow()));
    }

    [Fact]
    public async Task RemoveAsync_ForgetsMemoryAndDisk()
    {
        await _cache.SetAsync(Entry("example.test"), CancellationToken.None);

        await _cache.RemoveAsync("example.test", CancellationToken.None);

        Assert.Null(await _cache.GetAsync("example.test", CancellationToken.None));
        Assert.Empty(_folder.FileNames());
    }

    [Fact]
    public async Task Evict_DropsOnlyTheMemoryCopy_SoAnotherWritersEntryIsSeen()
    {
        await _cache.SetAsync(Entry("example.test", "old"), CancellationToken.None);
        await new FilePolicyStore(_folder.Path).SetAsync(Entry("example.test", "operator"), CancellationToken.None);

        var beforeEvict = await _cache.GetAsync("example.test", CancellationToken.None);
        _cache.Evict("example.test");
        var afterEvict = await _cache.GetAsync("example.test", CancellationToken.None);

        Assert.Equal(("old", "operator"), (beforeEvict?.Id, afterEvict?.Id));
    }

    [Fact]
    public async Task SetAsync_StoreWriteFails_LoggedAndPolicyStillServedFromMemory()
    {
        Directory.Delete(_folder.Path, recursive: true); // the store's folder vanished under it

        await _cache.SetAsync(Entry("example.test"), CancellationToken.None);

        Assert.Equal("id1", (await _cache.GetAsync("example.test", CancellationToken.None))?.Id);
        Assert.Contains("example.test", Assert.Single(_logs.WithEventId(2008)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_CorruptEntryLookedUpAgainAndAgain_LoggedOnce()
    {
        await File.WriteAllTextAsync(System.IO.Path.Combine(_folder.Path, "example.test.json"), "{ broken");

        for (var lookup = 0; lookup < 3; lookup++)
        {
            Assert.Null(await _cache.GetAsync("example.test", CancellationToken.None));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Single(_logs.WithEventId(2003));
    }
}
