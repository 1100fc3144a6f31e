using MtaSts.Policy;
using MtaSts.Resolution;
using static MtaSts.Tests.Cache.TempFolder;
using static MtaSts.Tests.Resolution.ResolverFixture;

namespace MtaSts.Tests.Resolution;

/// <summary>
/// Rules doc §4: the cache survives a restart (otherwise every restart reopens the downgrade window),
/// and an unreadable entry costs a fetch, never a crash.
/// </summary>
public sealed class PolicyResolverPersistenceTests : IAsyncLifetime
{
    private ResolverFixture _net = null!;

    public async Task InitializeAsync() => _net = await StartAsync();

    public async Task DisposeAsync() => await _net.DisposeAsync();

    [Fact]
    public async Task ResolveAsync_AfterRestartWithSameId_UsesStoredPolicyWithoutFetch()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 86400, "mx1.example.test"));
        var before = await _net.ResolveAsync();

        _net.Restart();
        _net.Time.Advance(TimeSpan.FromSeconds(5));
        var after = await _net.ResolveAsync();

        Assert.Equal((PolicySource.Cache, "id1", MtaStsMode.Enforce), (after.Source, after.PolicyId, after.Mode));
        Assert.Equal(before.Entry, after.Entry);
        Assert.Equal((2, 1), (_net.TxtQueries(), _net.Fetches())); // a new process asks the TXT record once
    }

    [Fact]
    public async Task ResolveAsync_AfterRestartTxtGone_KeepsStoredPolicyWithWarning()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce"));
        await _net.ResolveAsync();
        _net.SetTxt(Domain);

        _net.Restart();
        var after = await _net.ResolveAsync();

        Assert.Equal((PolicySource.Cache, MtaStsMode.Enforce), (after.Source, after.Mode));
        Assert.NotNull(after.Warning);
    }

    [Fact]
    public async Task ResolveAsync_AfterRestartStoredPolicyExpired_Fetches()
    {
        _net.Publish(Domain, "id1", PolicyText("enforce", 600));
        await _net.ResolveAsync();

        _net.Restart();
        _net.Time.Advance(TimeSpan.FromSeconds(601));
        var after = await _net.ResolveAsync();

        Assert.Equal(PolicySource.Fetched, after.Source);
        Assert.Equal(2, _net.Fetches());
    }

    public static TheoryData<string, string> CorruptEntries => new()
    {
        { "garbage", "\u0001\u0002 this is not json" },
        { "empty", "" },
        { "truncated", """{ "version": 1, "domain": "example.test", "id": "id1", "fetchedAt": "2030-01-01T00:00:00+00:00", """ },
        { "invalid-policy", EntryJson("example.test", "version: STSv1\nmode: enforce\nmax_age: 86400\n") },
        { "unknown-version", EntryJson("example.test", PolicyText(), version: 99) },
        { "other-domain", EntryJson("evil.test", PolicyText()) },
        { "json-null", "null" },
        { "wrong-types", """{ "version": "one", "domain": 5 }""" },
    };

    [Theory]
    [MemberData(nameof(CorruptEntries))]
    public async Task ResolveAsync_CorruptStoredEntry_IgnoredWithWarningAndFetched(string kind, string content)
    {
        _net.Publish(Domain, "id1", PolicyText("testing", 86400, "fresh.example.test"));
        await File.WriteAllTextAsync(_net.EntryPath(), content);

        var result = await _net.ResolveAsync();

        Assert.True(PolicySource.Fetched == result.Source, kind);
        Assert.Equal("fresh.example.test", Assert.Single(result.Policy!.Mx).Pattern);
        var warning = Assert.Single(_net.Logs.WithEventId(2003));
        Assert.Contains(_net.EntryPath(), warning.Message, StringComparison.Ordinal);
        // The fetched policy replaced the corrupt file.
        _net.Restart();
        Assert.Equal("id1", (await _net.Store.GetAsync(Domain, CancellationToken.None))?.Id);
    }
}
