using MtaSts.Cache;
using static MtaSts.Tests.Cache.TempFolder;

namespace MtaSts.Tests.Cache;

/// <summary>The cache folder kept tidy: damaged entries set aside once, leftovers and long-expired entries deleted.</summary>
public sealed class FilePolicyStoreHousekeepingTests : IDisposable
{
    private const string AsideName = "example.test.json.corrupt-20300101T000000Z";
    private readonly TempFolder _folder = new();
    private readonly LogSink _logs = new();
    private readonly FilePolicyStore _store;

    public FilePolicyStoreHousekeepingTests() =>
        _store = new FilePolicyStore(_folder.Path, _logs.For<FilePolicyStore>(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start));

    public void Dispose() => _folder.Dispose();

    private string PathOf(string name) => System.IO.Path.Combine(_folder.Path, name);

    [Fact]
    public async Task GetAsync_CorruptFileLookedUpTwice_RenamedAsideAndLoggedOnce()
    {
        await File.WriteAllTextAsync(PathOf("example.test.json"), "{ broken");

        var first = await _store.GetAsync("example.test", CancellationToken.None);
        var second = await _store.GetAsync("example.test", CancellationToken.None);

        Assert.Null(first);
        Assert.Null(second);
        Assert.Contains("renamed to " + AsideName, Assert.Single(_logs.WithEventId(2003)).Message, StringComparison.Ordinal);
        Assert.Equal([AsideName], _folder.FileNames());
        Assert.Equal("{ broken", await File.ReadAllTextAsync(PathOf(AsideName)));
    }

    [Theory]
    [MemberData(nameof(FilePolicyStoreTests.CorruptEntries), MemberType = typeof(FilePolicyStoreTests))]
    public async Task GetAsync_CorruptFile_SetAsideSoTheNextWriteIsReadBack(string kind, string content)
    {
        await File.WriteAllTextAsync(PathOf("example.test.json"), content);

        await _store.GetAsync("example.test", CancellationToken.None);
        await _store.SetAsync(Entry("example.test", "fresh"), CancellationToken.None);

        Assert.True((await _store.GetAsync("example.test", CancellationToken.None))?.Id == "fresh", kind);
        Assert.Equal(["example.test.json", AsideName], _folder.FileNames());
        Assert.Single(_logs.WithEventId(2003));
    }

    [Fact]
    public async Task GetAsync_FileLargerThanAnyEntry_SetAside()
    {
        await File.WriteAllBytesAsync(PathOf("example.test.json"), new byte[(MtaStsOptions.MaxPolicyBytes * 4) + 1]);

        Assert.Null(await _store.GetAsync("example.test", CancellationToken.None));
        Assert.Null(await _store.GetAsync("example.test", CancellationToken.None));

        Assert.Equal([AsideName], _folder.FileNames());
        Assert.Contains("larger than any policy entry", Assert.Single(_logs.WithEventId(2003)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_CorruptFileListedTwice_LoggedOnce()
    {
        await _store.SetAsync(Entry("a.test"), CancellationToken.None);
        await File.WriteAllTextAsync(PathOf("c.test.json"), "{ broken");

        await _store.ListAsync(CancellationToken.None);
        var entries = await _store.ListAsync(CancellationToken.None);

        Assert.Equal("a.test", Assert.Single(entries).Domain);
        Assert.Single(_logs.WithEventId(2003));
    }

    [Fact]
    public async Task MoveIfUnchanged_EntryReplacedSinceItWasJudged_NewerEntryPutBack()
    {
        await File.WriteAllTextAsync(PathOf("example.test.json"), "fresh entry written after the read");

        var moved = FilePolicyStore.MoveIfUnchanged(PathOf("example.test.json"), PathOf(AsideName), _ => false);

        Assert.False(moved);
        Assert.Equal(["example.test.json"], _folder.FileNames());
        Assert.Equal("fresh entry written after the read", await File.ReadAllTextAsync(PathOf("example.test.json")));
    }

    [Fact]
    public async Task HousekeepAsync_MixedFolder_RemovesOnlyLongExpiredEntriesAndStaleTempFiles()
    {
        var now = Start.AddDays(30);
        await _store.SetAsync(Entry("long-expired.test"), CancellationToken.None); // expired Start + 1 day
        await _store.SetAsync(Entry("recently-expired.test") with { ExpiresAt = now.AddDays(-6) }, CancellationToken.None);
        await _store.SetAsync(Entry("valid.test") with { ExpiresAt = now.AddDays(1) }, CancellationToken.None);
        await WriteTempAsync("stale.test.json.0123.tmp", now - FilePolicyStore.StaleTempFileAge - TimeSpan.FromSeconds(1));
        await WriteTempAsync("writing.test.json.4567.tmp", now - TimeSpan.FromMinutes(1));

        await _store.HousekeepAsync(now, CancellationToken.None);

        Assert.Equal(["recently-expired.test.json", "valid.test.json", "writing.test.json.4567.tmp"], _folder.FileNames());
        var line = Assert.Single(_logs.WithEventId(2014)).Message;
        Assert.Contains("removed 1 entries expired before 2030-01-24", line, StringComparison.Ordinal);
        Assert.Contains("and 1 leftover temporary files", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HousekeepAsync_CorruptEntry_SetAsideAndListStillShowsTheOthers()
    {
        await _store.SetAsync(Entry("a.test"), CancellationToken.None);
        await File.WriteAllTextAsync(PathOf("example.test.json"), "{ broken");

        await _store.HousekeepAsync(Start, CancellationToken.None);
        var entries = await _store.ListAsync(CancellationToken.None);

        Assert.Equal(["a.test.json", AsideName], _folder.FileNames());
        Assert.Equal("a.test", Assert.Single(entries).Domain);
        Assert.Single(_logs.WithEventId(2003));
        Assert.Empty(_logs.WithEventId(2014));
    }

    [Fact]
    public async Task HousekeepAsync_NothingToRemove_LogsNothing()
    {
        await _store.SetAsync(Entry("a.test"), CancellationToken.None);

        await _store.HousekeepAsync(Start, CancellationToken.None);

        Assert.Equal(["a.test.json"], _folder.FileNames());
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public async Task HousekeepAsync_FolderGone_LoggedNotThrown()
    {
        Directory.Delete(_folder.Path, recursive: true);

        await _store.HousekeepAsync(Start, CancellationToken.None);

        Assert.Contains(_folder.Path, Assert.Single(_logs.WithEventId(2015)).Message, StringComparison.Ordinal);
    }

    private async Task WriteTempAsync(string name, DateTimeOffset written)
    {
        await File.WriteAllTextAsync(PathOf(name), "half an entry");
        File.SetLastWriteTimeUtc(PathOf(name), written.UtcDateTime);
    }
}
