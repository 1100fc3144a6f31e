using System.Net;
using MtaSts.Dns;
using SimulatedInternet;

namespace MtaSts.Tests.Dns;

public sealed class HostAddressResolverTests : IAsyncLifetime
{
    private DnsTestServer _dns = null!;
    private HostAddressResolver _resolver = null!;

    public async Task InitializeAsync()
    {
        _dns = await DnsTestServer.StartAsync();
        // Generous, so a slow first answer on a loaded machine is not taken for a silent server.
        _resolver = new HostAddressResolver(DnsResolverFactory.Create([_dns.Address], TimeSpan.FromSeconds(10)));
    }

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    [Theory]
    [InlineData(255)]
    [InlineData(254)]
    public async Task ResolveAsync_NameTooLongToExist_NoAddressInsteadOfThrowing(int length)
    {
        var host = "mta-sts." + string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63)) + "." + new string('d', length - 8 - 192 - 5) + ".test";
        Assert.Equal(length, host.Length);

        var addresses = await _resolver.ResolveAsync(host, CancellationToken.None);

        Assert.Empty(addresses);
    }

    [Fact]
    public async Task ResolveAsync_AAndAaaa_ReturnsIpv4First()
    {
        _dns.AddAaaa("mx.example.test", "2001:db8::25");
        _dns.AddA("mx.example.test", "192.0.2.25");
        _dns.AddA("mx.example.test", "192.0.2.26");

        var addresses = await _resolver.ResolveAsync("mx.example.test", CancellationToken.None);

        Assert.Equal(
            [IPAddress.Parse("192.0.2.25"), IPAddress.Parse("192.0.2.26"), IPAddress.Parse("2001:db8::25")],
            addresses);
        Assert.Equal(1, _dns.QueryCount("mx.example.test", DnsRecordType.A));
        Assert.Equal(1, _dns.QueryCount("mx.example.test", DnsRecordType.Aaaa));
    }

    [Fact]
    public async Task ResolveAsync_OnlyAaaa_ReturnsIt()
    {
        _dns.AddAaaa("v6.example.test", "::1");

        var addresses = await _resolver.ResolveAsync("v6.example.test", CancellationToken.None);

        Assert.Equal([IPAddress.IPv6Loopback], addresses);
    }

    [Fact]
    public async Task ResolveAsync_Cname_FollowsToTargetAddresses()
    {
        _dns.AddCname("mta-sts.example.test", "policy.hosting.test");
        _dns.AddA("policy.hosting.test", "192.0.2.80");

        var addresses = await _resolver.ResolveAsync("mta-sts.example.test", CancellationToken.None);

        Assert.Equal([IPAddress.Parse("192.0.2.80")], addresses);
    }

    [Fact]
    public async Task ResolveAsync_TrailingDot_QueriesTheName()
    {
        _dns.AddA("mx.example.test", "192.0.2.25");

        var addresses = await _resolver.ResolveAsync("mx.example.test.", CancellationToken.None);

        Assert.Equal([IPAddress.Parse("192.0.2.25")], addresses);
    }

    [Fact]
    public async Task ResolveAsync_Nxdomain_ReturnsEmpty()
    {
        var addresses = await _resolver.ResolveAsync("missing.example.test", CancellationToken.None);

        Assert.Empty(addresses);
        Assert.Equal(DnsRcode.NXDomain, _dns.Queries.First(q => q.Type == DnsRecordType.A).ResponseCode);
    }

    [Fact]
    public async Task ResolveAsync_NameWithoutAddresses_ReturnsEmpty()
    {
        _dns.AddMx("example.test", 10, "mx.example.test");

        var addresses = await _resolver.ResolveAsync("example.test", CancellationToken.None);

        Assert.Empty(addresses);
    }

    [Theory]
    [InlineData(DnsRcode.ServFail)]
    [InlineData(DnsRcode.Refused)]
    public async Task ResolveAsync_ServerError_ThrowsDnsLookupException(DnsRcode code)
    {
        _dns.AddA("mx.example.test", "192.0.2.25");
        _dns.SetResponseCode("mx.example.test", code);

        var error = await Assert.ThrowsAsync<DnsLookupException>(() => _resolver.ResolveAsync("mx.example.test", CancellationToken.None));

        Assert.Contains("mx.example.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_AServfailAndAaaaEmpty_ThrowsRatherThanNoAddress()
    {
        // The A answer is lost to the failure; "no address" would be a guess, and a wrong one here.
        _dns.AddA("mx.example.test", "192.0.2.25");
        _dns.SetResponseCode("mx.example.test", DnsRcode.ServFail, DnsRecordType.A);

        var error = await Assert.ThrowsAsync<DnsLookupException>(() => _resolver.ResolveAsync("mx.example.test", CancellationToken.None));

        Assert.Contains("mx.example.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_AaaaServfailButAFound_ReturnsTheIpv4Addresses()
    {
        _dns.AddA("mx.example.test", "192.0.2.25");
        _dns.SetResponseCode("mx.example.test", DnsRcode.ServFail, DnsRecordType.Aaaa);

        var addresses = await _resolver.ResolveAsync("mx.example.test", CancellationToken.None);

        Assert.Equal([IPAddress.Parse("192.0.2.25")], addresses);
    }

    [Fact]
    public async Task ResolveAsync_UnresponsiveServer_ThrowsDnsLookupException()
    {
        _dns.SetUnresponsive("mx.example.test");
        var impatient = new HostAddressResolver(DnsResolverFactory.Create([_dns.Address], TimeSpan.FromMilliseconds(300)));

        var error = await Assert.ThrowsAsync<DnsLookupException>(() => impatient.ResolveAsync("mx.example.test", CancellationToken.None));

        Assert.Contains("mx.example.test", error.Message, StringComparison.Ordinal);
        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_CancelledByCaller_ThrowsOperationCanceled()
    {
        _dns.SetUnresponsive("mx.example.test");
        var resolver = new HostAddressResolver(DnsResolverFactory.Create([_dns.Address], TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource();

        var resolving = resolver.ResolveAsync("mx.example.test", cancel.Token);
        await WaitForQueryAsync("mx.example.test");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolving);
    }

    [Theory]
    [InlineData("192.0.2.25", "192.0.2.25")]
    [InlineData("2001:db8::25", "2001:db8::25")]
    [InlineData("127.0.0.1.", "127.0.0.1")]
    public async Task ResolveAsync_IpLiteral_ReturnsItWithoutQuery(string host, string expected)
    {
        var addresses = await _resolver.ResolveAsync(host, CancellationToken.None);

        Assert.Equal([IPAddress.Parse(expected)], addresses);
        Assert.Empty(_dns.Queries);
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
