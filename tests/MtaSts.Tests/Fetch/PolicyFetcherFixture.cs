using MtaSts.Dns;
using MtaSts.Fetch;
using MtaSts.Tls;
using SimulatedInternet;

namespace MtaSts.Tests.Fetch;

/// <summary>
/// A piece of the simulated internet for fetch tests: the test CA (trusted through the validator's
/// extra roots only), a DNS server and one HTTPS host playing every <c>mta-sts.&lt;domain&gt;</c>.
/// </summary>
public abstract class PolicyFetcherFixture : IAsyncLifetime
{
    protected const string Domain = "example.test";
    protected const string PolicyHost = "mta-sts.example.test";
    protected const string GoodPolicy = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmx: *.example.test\nmax_age: 86400\n";

    protected TestCertificateAuthority Ca { get; } = new();

    protected DnsTestServer Dns { get; private set; } = null!;

    protected PolicyHttpsHost Https { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dns = await DnsTestServer.StartAsync();
        Https = await PolicyHttpsHost.StartAsync(Ca);
        Dns.AddA(PolicyHost, "127.0.0.1");
    }

    public async Task DisposeAsync()
    {
        await Https.DisposeAsync();
        await Dns.DisposeAsync();
        Ca.Dispose();
    }

    /// <summary>A fetcher resolving through <see cref="Dns"/> and connecting to <paramref name="port"/> (the HTTPS host's by default).</summary>
    protected PolicyFetcher CreateFetcher(TimeSpan? fetchTimeout = null, int? port = null, MtaStsOptions? options = null)
    {
        options ??= new MtaStsOptions();
        options.PolicyPort = port ?? Https.Port;
        options.FetchTimeout = fetchTimeout ?? TimeSpan.FromSeconds(30);
        var resolver = new HostAddressResolver(DnsResolverFactory.Create([Dns.Address], TimeSpan.FromSeconds(10)));
        return new PolicyFetcher(resolver, new CertificateValidator([Ca.RootCertificate]), options);
    }

    /// <summary>Fetches the policy of <paramref name="domain"/> with a fresh fetcher.</summary>
    protected async Task<PolicyFetchResult> FetchAsync(string domain = Domain)
    {
        using var fetcher = CreateFetcher();
        return await fetcher.FetchAsync(domain, CancellationToken.None);
    }
}
