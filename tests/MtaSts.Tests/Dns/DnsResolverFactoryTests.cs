using DnsClient;
using MtaSts.Dns;
using SimulatedInternet;

namespace MtaSts.Tests.Dns;

public sealed class DnsResolverFactoryTests : IAsyncLifetime
{
    private DnsTestServer _dns = null!;

    public async Task InitializeAsync() => _dns = await DnsTestServer.StartAsync();

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    [Fact]
    public async Task Create_ServerWithPort_QueriesThatServer()
    {
        _dns.AddA("mx.example.test", "192.0.2.25");
        var client = DnsResolverFactory.Create([_dns.Address], TimeSpan.FromSeconds(10));

        var response = await client.QueryAsync("mx.example.test", QueryType.A);

        Assert.Equal("192.0.2.25", Assert.Single(response.Answers.ARecords()).Address.ToString());
        Assert.Equal(1, _dns.QueryCount("mx.example.test", DnsRecordType.A));
    }

    [Fact]
    public async Task Create_Always_DoesNotCacheAnswers()
    {
        // Freshness is our cache's job (driven by TimeProvider); DnsClient's cache runs on the wall clock.
        _dns.AddA("mx.example.test", "192.0.2.25");
        var client = DnsResolverFactory.Create([_dns.Address], TimeSpan.FromSeconds(10));

        await client.QueryAsync("mx.example.test", QueryType.A);
        await client.QueryAsync("mx.example.test", QueryType.A);

        Assert.Equal(2, _dns.QueryCount("mx.example.test", DnsRecordType.A));
    }

    [Fact]
    public void Create_Timeout_IsApplied()
    {
        var client = DnsResolverFactory.Create([_dns.Address], TimeSpan.FromMilliseconds(300));

        Assert.Equal(TimeSpan.FromMilliseconds(300), client.Settings.Timeout);
        Assert.False(client.Settings.UseCache);
        Assert.False(client.Settings.ThrowDnsErrors);
    }

    [Theory]
    [InlineData("dns.example.test")]
    [InlineData("127.0.0.1:0")]
    [InlineData("")]
    public void Create_BadServer_ThrowsArgumentExceptionNamingIt(string server)
    {
        var error = Assert.Throws<ArgumentException>(() => DnsResolverFactory.Create([_dns.Address, server]));

        Assert.Equal("servers", error.ParamName);
        Assert.StartsWith("DNS server ", error.Message, StringComparison.Ordinal);
        if (server.Length > 0)
        {
            Assert.Contains(server, error.Message, StringComparison.Ordinal);
        }
    }
}
