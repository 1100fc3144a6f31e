using System.Text;
using MtaSts.Discovery;
using MtaSts.Dns;
using SimulatedInternet;

namespace MtaSts.Tests.Discovery;

public sealed class StsTxtDiscoveryTests : IAsyncLifetime
{
    private const string Domain = "example.test";
    private const string TxtName = "_mta-sts.example.test";
    private DnsTestServer _dns = null!;
    private StsTxtDiscovery _discovery = null!;

    public async Task InitializeAsync()
    {
        _dns = await DnsTestServer.StartAsync();
        // A generous timeout: on a loaded CI machine a first answer can take longer than a few hundred
        // milliseconds, and DnsClient would then ask again, doubling the queries the tests count.
        _discovery = new StsTxtDiscovery(DnsResolverFactory.Create([_dns.Address], TimeSpan.FromSeconds(10)));
    }

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    [Fact]
    public async Task DiscoverAsync_DomainSoLongItsTxtNameCannotExist_NoRecordWithReason()
    {
        // 251 characters is a valid domain; "_mta-sts." makes 260, more than DNS allows (DnsClient would throw).
        var domain = string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 54), "test");

        var result = await _discovery.DiscoverAsync(domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.NoRecord, result.Status);
        Assert.Contains("260 characters long", result.Reason, StringComparison.Ordinal);
        Assert.Contains("cannot exist", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_OneValidRecord_IsFound()
    {
        _dns.AddTxt(TxtName, "v=STSv1; id=20160831085700Z;");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.Found, result.Status);
        Assert.Equal("20160831085700Z", result.Record?.Id);
        Assert.Equal(["v=STSv1; id=20160831085700Z;"], result.Records);
        Assert.Null(result.Reason);
        Assert.Equal(1, _dns.QueryCount(TxtName, DnsRecordType.Txt));
    }

    [Fact]
    public async Task DiscoverAsync_MultiStringRecord_JoinsWithNoSeparator()
    {
        _dns.AddTxt(TxtName, "v=STSv1; id=2024", "0101T000000Z;");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.Found, result.Status);
        Assert.Equal("20240101T000000Z", result.Record?.Id);
        Assert.Equal(["v=STSv1; id=20240101T000000Z;"], result.Records);
    }

    [Fact]
    public async Task DiscoverAsync_Cname_FollowsToTheRecord()
    {
        _dns.AddCname(TxtName, "_mta-sts.policy.hosting.test");
        _dns.AddTxt("_mta-sts.policy.hosting.test", "v=STSv1; id=hosted1");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.Found, result.Status);
        Assert.Equal("hosted1", result.Record?.Id);
    }

    [Fact]
    public async Task DiscoverAsync_SeveralStsRecords_IsInvalid()
    {
        _dns.AddTxt(TxtName, "v=STSv1; id=first");
        _dns.AddTxt(TxtName, "v=STSv1; id=second");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.Invalid, result.Status);
        Assert.Null(result.Record);
        Assert.Equal(2, result.Records.Count);
        Assert.Contains("2 records", result.Reason, StringComparison.Ordinal);
        Assert.Contains(TxtName, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_NonStsRecordsBeside_AreIgnored()
    {
        _dns.AddTxt(TxtName, "v=spf1 -all");
        _dns.AddTxt(TxtName, "v=STSv1; id=only");
        _dns.AddTxt(TxtName, "v=STSv10; id=future");
        _dns.AddTxt(TxtName, "google-site-verification=abc");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.Found, result.Status);
        Assert.Equal("only", result.Record?.Id);
        Assert.Equal(4, result.Records.Count);
    }

    [Fact]
    public async Task DiscoverAsync_OnlyNonStsRecords_IsNoRecord()
    {
        _dns.AddTxt(TxtName, "v=spf1 -all");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.NoRecord, result.Status);
        Assert.Contains("v=STSv1", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_InvalidStsRecord_IsInvalidWithReason()
    {
        _dns.AddTxt(TxtName, "v=STSv1; id=2024-01-01");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.Invalid, result.Status);
        Assert.StartsWith(TxtName + ": ", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_NoData_IsNoRecord()
    {
        _dns.AddA(TxtName, "192.0.2.1"); // the name exists, but has no TXT

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.NoRecord, result.Status);
        Assert.Empty(result.Records);
        Assert.Contains("has no TXT record", result.Reason, StringComparison.Ordinal);
        Assert.Equal(DnsRcode.NoError, Assert.Single(_dns.Queries).ResponseCode);
    }

    [Fact]
    public async Task DiscoverAsync_Nxdomain_IsNoRecord()
    {
        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.NoRecord, result.Status);
        Assert.Contains("NXDOMAIN", result.Reason, StringComparison.Ordinal);
        Assert.Equal(DnsRcode.NXDomain, Assert.Single(_dns.Queries).ResponseCode);
    }

    [Theory]
    [InlineData(DnsRcode.ServFail)]
    [InlineData(DnsRcode.Refused)]
    public async Task DiscoverAsync_ServerError_IsDnsError(DnsRcode code)
    {
        _dns.AddTxt(TxtName, "v=STSv1; id=hidden");
        _dns.SetResponseCode(TxtName, code);

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.DnsError, result.Status);
        Assert.Null(result.Record);
        Assert.Contains(TxtName, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_UnresponsiveServer_IsDnsError()
    {
        _dns.AddTxt(TxtName, "v=STSv1; id=hidden");
        _dns.SetUnresponsive(TxtName);
        var impatient = new StsTxtDiscovery(DnsResolverFactory.Create([_dns.Address], TimeSpan.FromMilliseconds(300)));

        var result = await impatient.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.DnsError, result.Status);
        Assert.Contains(TxtName, result.Reason, StringComparison.Ordinal);
        Assert.Contains("timed out", result.Reason, StringComparison.Ordinal);
        await WaitForQueryAsync(TxtName); // the server logs on its own loop, perhaps after the client gave up
    }

    [Fact]
    public async Task DiscoverAsync_CancelledByCaller_ThrowsRatherThanReportingDnsError()
    {
        // A shutdown is not DNS trouble: reporting it as DnsError would feed the defer-on-DNS-trouble clock.
        _dns.SetUnresponsive(TxtName);
        var discovery = new StsTxtDiscovery(DnsResolverFactory.Create([_dns.Address], TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource();

        var discovering = discovery.DiscoverAsync(Domain, cancel.Token);
        await WaitForQueryAsync(TxtName);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => discovering);
    }

    [Fact]
    public async Task DiscoverAsync_NonAsciiUtf8_IsInvalid()
    {
        _dns.AddTxt(TxtName, "v=STSv1; id=caf\u00e9");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.Invalid, result.Status);
        Assert.Contains("non-ASCII", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_InvalidUtf8Bytes_IsInvalid()
    {
        byte[] record = [.. Encoding.ASCII.GetBytes("v=STSv1; id=abc"), 0xC3, 0x28, 0xFF];
        _dns.AddTxt(TxtName, record);

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.Invalid, result.Status);
        Assert.Null(result.Record);
    }

    [Fact]
    public async Task DiscoverAsync_RecordOnlyAtParent_IsNotFoundAndParentNotQueried()
    {
        _dns.AddTxt(TxtName, "v=STSv1; id=parent");

        var result = await _discovery.DiscoverAsync("a.example.test", CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.NoRecord, result.Status);
        Assert.Equal(1, _dns.QueryCount("_mta-sts.a.example.test", DnsRecordType.Txt));
        Assert.Equal(0, _dns.QueryCount(TxtName));
        Assert.All(_dns.Queries, q => Assert.Equal("_mta-sts.a.example.test", q.Name));
    }

    [Fact]
    public async Task DiscoverAsync_RecordAtParentDomainItself_IsNotUsed()
    {
        // example.test (no _mta-sts label) holding an STS-looking TXT must not count either.
        _dns.AddTxt(Domain, "v=STSv1; id=wrongplace");

        var result = await _discovery.DiscoverAsync(Domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.NoRecord, result.Status);
        Assert.Equal(0, _dns.QueryCount(Domain));
    }

    private async Task WaitForQueryAsync(string name)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (_dns.QueryCount(name) == 0)
        {
            await Task.Delay(10, patience.Token);
        }
    }
}
