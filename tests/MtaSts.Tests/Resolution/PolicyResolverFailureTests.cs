using MtaSts.Failures;
using MtaSts.Policy;
using MtaSts.Resolution;
using SimulatedInternet;
using static MtaSts.Tests.Resolution.ResolverFixture;

namespace MtaSts.Tests.Resolution;

/// <summary>Rules doc §2 and §4 when things go wrong: failed fetches, the 5-minute back-off, and TXT trouble.</summary>
public sealed class PolicyResolverFailureTests : IAsyncLifetime
{
    private ResolverFixture _net = null!;

    public async Task InitializeAsync() => _net = await StartAsync();

    public async Task DisposeAsync() => await _net.DisposeAsync();

    /// <summary>A broken policy host, by name, with the failure type it must produce.</summary>
    private static PolicyResponse Broken(string how) => how switch
    {
        "http-500" => PolicyResponse.Error(500),
        "redirect" => PolicyResponse.Redirect("https://elsewhere.example.test/.well-known/mta-sts.txt"),
        "self-signed" => new PolicyResponse { Body = PolicyText(), Certificate = CertificateKind.SelfSigned },
        "enforce-without-mx" => PolicyResponse.Ok("version: STSv1\nmode: enforce\nmax_age: 86400\n"),
        _ => throw new ArgumentOutOfRangeException(nameof(how)),
    };

    [Fact]
    public async Task ResolveAsync_DomainSoLongItsTxtNameCannotExist_NoPolicyInsteadOfThrowing()
    {
        var domain = string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 54), "test");

        var resolution = await _net.ResolveAsync(domain);

        Assert.Equal(PolicySource.NoPolicy, resolution.Source);
        Assert.Null(resolution.Failure);
    }

    [Theory]
    [InlineData("http-500", FailureType.StsPolicyFetchError)]
    [InlineData("redirect", FailureType.StsPolicyFetchError)]
    [InlineData("self-signed", FailureType.StsWebpkiInvalid)]
    [InlineData("enforce-without-mx", FailureType.StsPolicyInvalid)]
    public async Task ResolveAsync_NewIdFetchFailsWithUnexpiredCache_CacheAfterFailureWithType(string how, FailureType expected)
    {
        _net.Publish(Domain, "id1", PolicyText("enforce"));
        await _net.ResolveAsync();
        _net.Publish(Domain, "id2", Broken(how));
        _net.Restart(); // a fresh process: the changed certificate is seen in a new TLS handshake

        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.CacheAfterFailure, result.Source);
        Assert.Equal(("id1", MtaStsMode.Enforce), (result.PolicyId, result.Mode));
        Assert.Equal(expected, result.Failure?.Type);
        Assert.Single(_net.Logs.WithEventId(2001));
    }

    [Theory]
    [InlineData("http-500", FailureType.StsPolicyFetchError)]
    [InlineData("self-signed", FailureType.StsWebpkiInvalid)]
    [InlineData("enforce-without-mx", FailureType.StsPolicyInvalid)]
    public async Task ResolveAsync_FetchFailsWithNothingCached_NoPolicyWithFailure(string how, FailureType expected)
    {
        _net.Publish(Domain, "id1", Broken(how));

        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.NoPolicy, result.Source);
        Assert.Null(result.Entry);
        Assert.Equal(expected, result.Failure?.Type);
        Assert.Equal(MtaStsMode.None, result.Mode);
    }

    [Fact]
    public async Task ResolveAsync_SameIdWithinBackoff_NotFetchedAgainUntilFiveMinutesPassed()
    {
        _net.Publish(Domain, "id1", Broken("http-500"));
        await _net.ResolveAsync();
        _net.Serve(Domain, PolicyResponse.Ok(PolicyText()));

        _net.Time.Advance(TimeSpan.FromMinutes(4));
        var during = await _net.ResolveAsync();
        var (txtDuring, fetchesDuring) = (_net.TxtQueries(), _net.Fetches());
        _net.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var after = await _net.ResolveAsync();

        Assert.Equal(PolicySource.NoPolicy, during.Source);
        Assert.Equal(FailureType.StsPolicyFetchError, during.Failure?.Type);
        Assert.Equal((2, 1), (txtDuring, fetchesDuring)); // the TXT record is asked, the host is not
        Assert.Equal(PolicySource.Fetched, after.Source);
        Assert.Equal(2, _net.Fetches());
    }

    [Fact]
    public async Task ResolveAsync_BackoffWithCache_KeepsCacheAndDoesNotFetch()
    {
        _net.Publish(Domain, "id1", PolicyText());
        await _net.ResolveAsync();
        _net.Publish(Domain, "id2", Broken("http-500"));
        _net.Time.Advance(TimeSpan.FromMinutes(2));
        await _net.ResolveAsync();

        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var result = await _net.ResolveAsync();

        Assert.Equal((PolicySource.CacheAfterFailure, "id1"), (result.Source, result.PolicyId));
        Assert.NotNull(result.Failure);
        Assert.Equal(2, _net.Fetches());
    }

    [Fact]
    public async Task ResolveAsync_NewIdDuringBackoff_IsFetched()
    {
        _net.Publish(Domain, "id1", Broken("http-500"));
        await _net.ResolveAsync();
        _net.Publish(Domain, "id2", PolicyText());

        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var result = await _net.ResolveAsync();

        Assert.Equal((PolicySource.Fetched, "id2"), (result.Source, result.PolicyId));
        Assert.Equal(2, _net.Fetches());
    }

    [Theory]
    [InlineData("")] // record removed
    [InlineData("v=STSv1; id=not-an-id!;")]
    [InlineData("v=STSv1; id=one;|v=STSv1; id=two;")]
    public async Task ResolveAsync_TxtGoneOrInvalidWhileCached_KeepsCacheWithDowngradeWarning(string records)
    {
        _net.Publish(Domain, "id1", PolicyText("enforce"));
        await _net.ResolveAsync();
        _net.SetTxt(Domain, records.Split('|', StringSplitOptions.RemoveEmptyEntries));

        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var result = await _net.ResolveAsync();

        Assert.Equal((PolicySource.Cache, "id1", MtaStsMode.Enforce), (result.Source, result.PolicyId, result.Mode));
        Assert.Contains("possible downgrade", result.Warning, StringComparison.Ordinal);
        Assert.Single(_net.Logs.WithEventId(2002));
        Assert.Equal(1, _net.Fetches());
        Assert.True(File.Exists(_net.EntryPath()));
    }

    [Fact]
    public async Task ResolveAsync_NoTxtAndNothingCached_NoPolicyWithoutFetch()
    {
        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.NoPolicy, result.Source);
        Assert.Null(result.Failure);
        Assert.Equal((1, 0), (_net.TxtQueries(), _net.Fetches()));
    }

    [Fact]
    public async Task ResolveAsync_ServFailWithNothingCached_NoPolicyWithoutDeferByDefault()
    {
        _net.Dns.SetResponseCode("_mta-sts." + Domain, DnsRcode.ServFail);

        var result = await _net.ResolveAsync();

        Assert.Equal(PolicySource.NoPolicy, result.Source);
        Assert.False(result.DeferRecommended);
        Assert.NotNull(result.Warning);
        Assert.Single(_net.Logs.WithEventId(2005));
    }

    [Fact]
    public async Task ResolveAsync_ServFailWithCache_UsesCache()
    {
        _net.Publish(Domain, "id1", PolicyText());
        await _net.ResolveAsync();
        _net.Dns.SetResponseCode("_mta-sts." + Domain, DnsRcode.ServFail);

        _net.Time.Advance(TimeSpan.FromMinutes(2));
        var result = await _net.ResolveAsync();

        Assert.Equal((PolicySource.Cache, "id1"), (result.Source, result.PolicyId));
        Assert.False(result.DeferRecommended);
        Assert.Equal(1, _net.Fetches());
    }

    [Fact]
    public async Task ResolveAsync_ServFailWithCache_WarnsKeepingPolicyOncePerTxtLookupInterval()
    {
        _net.Publish(Domain, "id1", PolicyText());
        await _net.ResolveAsync();
        var expires = (await _net.Cache.GetAsync(Domain, CancellationToken.None))!.ExpiresAt;
        _net.Dns.SetResponseCode("_mta-sts." + Domain, DnsRcode.ServFail);
        _net.Time.Advance(TimeSpan.FromMinutes(2));

        var first = await _net.ResolveAsync();
        _net.Time.Advance(TimeSpan.FromSeconds(30));
        await _net.ResolveAsync(); // DNS trouble is retried at every delivery, but not logged again yet
        var loggedWithinInterval = _net.Logs.WithEventId(2009).Count;
        _net.Time.Advance(TimeSpan.FromSeconds(30));
        await _net.ResolveAsync();

        Assert.True(first.TxtLookupFailed);
        Assert.Equal(1, loggedWithinInterval);
        var warnings = _net.Logs.WithEventId(2009);
        Assert.Equal(2, warnings.Count);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warnings[0].Level);
        Assert.Contains("keeping the cached policy (id=id1, mode=enforce)", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains($"{expires:u}", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("TXT lookup of _mta-sts.example.test failed", warnings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_ServFailWithDeferOnDnsTrouble_DefersUntilLimitSinceFirstFailure()
    {
        await using var net = await StartAsync(o => (o.DeferOnDnsTrouble, o.DnsTroubleDeferLimit) = (true, TimeSpan.FromHours(1)));
        net.Dns.SetResponseCode("_mta-sts." + Domain, DnsRcode.ServFail);

        var first = await net.ResolveAsync();
        net.Time.Advance(TimeSpan.FromMinutes(59));
        var within = await net.ResolveAsync();
        net.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await net.ResolveAsync();

        Assert.Equal((PolicySource.NoPolicy, true), (first.Source, first.DeferRecommended));
        Assert.True(within.DeferRecommended);
        Assert.Equal((PolicySource.NoPolicy, false), (after.Source, after.DeferRecommended));
    }

    [Fact]
    public async Task ResolveAsync_DnsRecoversThenFailsAgain_DeferWindowStartsAgain()
    {
        await using var net = await StartAsync(o => (o.DeferOnDnsTrouble, o.DnsTroubleDeferLimit) = (true, TimeSpan.FromHours(1)));
        net.Dns.SetResponseCode("_mta-sts." + Domain, DnsRcode.ServFail);
        await net.ResolveAsync();
        net.Time.Advance(TimeSpan.FromMinutes(50));
        net.Dns.SetResponseCode("_mta-sts." + Domain, DnsRcode.NoError); // NXDOMAIN: an answer, not trouble
        var recovered = await net.ResolveAsync();
        net.Dns.SetResponseCode("_mta-sts." + Domain, DnsRcode.ServFail);

        net.Time.Advance(TimeSpan.FromMinutes(50));
        var again = await net.ResolveAsync();

        Assert.False(recovered.DeferRecommended);
        Assert.True(again.DeferRecommended);
    }
}
