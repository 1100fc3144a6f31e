using MtaSts.Cache;
using MtaSts.Policy;
using static MtaSts.Tests.Cache.TempFolder;

namespace MtaSts.Tests.Cache;

/// <summary>The persistent half of the cache (rules doc §4): one JSON file per domain, atomic writes, corrupt files ignored.</summary>
public sealed class FilePolicyStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LogSink _logs = new();
    private readonly FilePolicyStore _store;

    public FilePolicyStoreTests() => _store = new FilePolicyStore(_folder.Path, _logs.For<FilePolicyStore>());

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Constructor_MissingFolder_CreatesIt() => Assert.True(Directory.Exists(_folder.Path));

    [Fact]
    public async Task SetAsync_ThenGetFromNewInstance_RoundTripsEveryField()
    {
        var entry = Entry("example.test", "20240101T000000Z", "*.mail.example.test");

        await _store.SetAsync(entry, CancellationToken.None);
        var loaded = await new FilePolicyStore(_folder.Path).GetAsync("example.test", CancellationToken.None);

        Assert.Equal(entry, loaded);
    }

    [Fact]
    public async Task SetAsync_Repeatedly_LeavesOnlyTheEntryFileAndNoTempFiles()
    {
        for (var i = 0; i < 5; i++)
        {
            await _store.SetAsync(Entry("example.test", $"id{i}"), CancellationToken.None);
        }

        Assert.Equal(["example.test.json"], _folder.FileNames());
        Assert.Equal("id4", (await _store.GetAsync("example.test", CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task SetAsync_ConcurrentWritersOfOneDomain_LeaveOneReadableEntry()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => _store.SetAsync(Entry("example.test", $"id{i}"), CancellationToken.None))));

        Assert.Equal(["example.test.json"], _folder.FileNames());
        Assert.StartsWith("id", (await _store.GetAsync("example.test", CancellationToken.None))?.Id, StringComparison.Ordinal);
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public async Task GetAsync_NothingStored_Null()
    {
        Assert.Null(await _store.GetAsync("example.test", CancellationToken.None));
        Assert.Empty(_logs.Entries);
    }

    [Theory]
    [InlineData("EXAMPLE.TEST")]
    [InlineData("example.test.")]
    [InlineData(" Example.Test ")]
    public async Task GetAsync_SpellingVariant_FindsTheNormalisedEntry(string spelling)
    {
        await _store.SetAsync(Entry("example.test"), CancellationToken.None);

        var loaded = await _store.GetAsync(spelling, CancellationToken.None);

        Assert.Equal("example.test", loaded?.Domain);
    }

    [Fact]
    public async Task SetAsync_UnicodeDomain_StoredUnderALabelFileName()
    {
        await _store.SetAsync(Entry("xn--bcher-kva.example"), CancellationToken.None);

        Assert.Equal(["xn--bcher-kva.example.json"], _folder.FileNames());
        Assert.NotNull(await _store.GetAsync("bücher.example", CancellationToken.None));
    }

    [Theory]
    [InlineData("../outside.test")]
    [InlineData("a/b.test")]
    [InlineData("a\\b.test")]
    [InlineData("192.0.2.1")]
    public async Task GetAsync_NameThatIsNotADomain_ThrowsAndTouchesNoFile(string domain)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.GetAsync(domain, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.RemoveAsync(domain, CancellationToken.None));
    }

    [Fact]
    public async Task RemoveAsync_StoredEntry_DeletesIt()
    {
        await _store.SetAsync(Entry("example.test"), CancellationToken.None);
        await _store.SetAsync(Entry("other.test"), CancellationToken.None);

        await _store.RemoveAsync("Example.Test", CancellationToken.None);

        Assert.Null(await _store.GetAsync("example.test", CancellationToken.None));
        Assert.Equal(["other.test.json"], _folder.FileNames());
    }

    [Fact]
    public async Task RemoveAsync_NothingStored_DoesNothing()
    {
        await _store.RemoveAsync("example.test", CancellationToken.None);

        Assert.Empty(_folder.FileNames());
    }

    [Fact]
    public async Task ListAsync_SeveralEntriesAndACorruptOne_ListsReadableOnesAndWarns()
    {
        await _store.SetAsync(Entry("a.test"), CancellationToken.None);
        await _store.SetAsync(Entry("b.test", "id2"), CancellationToken.None);
        await File.WriteAllTextAsync(System.IO.Path.Combine(_folder.Path, "c.test.json"), "{ broken");
        await File.WriteAllTextAsync(System.IO.Path.Combine(_folder.Path, "notes.txt"), "not an entry");

        var entries = await _store.ListAsync(CancellationToken.None);

        Assert.Equal(["a.test", "b.test"], entries.Select(e => e.Domain).Order(StringComparer.Ordinal));
        Assert.Contains("c.test.json", Assert.Single(_logs.WithEventId(2003)).Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> CorruptEntries => new()
    {
        { "garbage", "\u0001\u0002 this is not json" },
        { "empty", "" },
        { "truncated", EntryJson("example.test", "version: STSv1\nmode: none\nmax_age: 1\n")[..40] },
        { "invalid-policy", EntryJson("example.test", "version: STSv1\nmode: enforce\nmax_age: 86400\n") },
        { "unknown-version", EntryJson("example.test", "version: STSv1\nmode: none\nmax_age: 1\n", version: 2) },
        { "other-domain", EntryJson("evil.test", "version: STSv1\nmode: none\nmax_age: 1\n") },
        { "missing-id", EntryJson("example.test", "version: STSv1\nmode: none\nmax_age: 1\n", id: "") },
    };

    [Theory]
    [MemberData(nameof(CorruptEntries))]
    public async Task GetAsync_CorruptFile_NullWithWarning(string kind, string content)
    {
        await File.WriteAllTextAsync(System.IO.Path.Combine(_folder.Path, "example.test.json"), content);

        var loaded = await _store.GetAsync("example.test", CancellationToken.None);

        Assert.True(loaded is null, kind);
        var warning = Assert.Single(_logs.WithEventId(2003));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
    }

    [Fact]
    public async Task GetAsync_ModeNonePolicyWithoutMx_RoundTrips()
    {
        var none = PolicyParser.Parse("version: STSv1\nmode: none\nmax_age: 86400\n").Policy!;
        var entry = new CachedPolicy("example.test", "retired", none, Start, Start.AddDays(1));

        await _store.SetAsync(entry, CancellationToken.None);

        Assert.Equal(entry, await _store.GetAsync("example.test", CancellationToken.None));
    }
}
