using DnsClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MtaSts.Dns;
using MtaSts.Resolution;
using MtaSts.Tests.Resolution;
using MtaSts.Tls;
using static MtaSts.Tests.Resolution.ResolverFixture;

namespace MtaSts.Tests;

/// <summary>AddMtaSts wires the engine the way the fixture does by hand, honouring the host's options and time.</summary>
public sealed class MtaStsServiceCollectionExtensionsTests : IAsyncLifetime
{
    private ResolverFixture _net = null!;

    public async Task InitializeAsync() => _net = await StartAsync();

    public async Task DisposeAsync() => await _net.DisposeAsync();

    private ServiceProvider Build(bool proactiveRefresh, string cachePath)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_net.Time);
        services.AddSingleton<ILookupClient>(DnsResolverFactory.Create([_net.Dns.Address], TimeSpan.FromSeconds(10)));
        services.AddSingleton(new CertificateValidator([_net.Authority.RootCertificate]));
        services.Configure<MtaStsOptions>(o => (o.CachePath, o.PolicyPort) = (cachePath, _net.Https.Port));
        services.AddMtaSts(proactiveRefresh);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddMtaSts_ResolvesThroughConfiguredDnsTrustPortAndCacheFolder()
    {
        _net.Publish(Domain, "id1", PolicyText());
        var folder = Path.Combine(_net.Folder, "di");
        await using var provider = Build(proactiveRefresh: true, folder);

        var result = await provider.GetRequiredService<PolicyResolver>().ResolveAsync(Domain, CancellationToken.None);

        Assert.Equal(PolicySource.Fetched, result.Source);
        Assert.Equal(_net.Time.GetUtcNow(), result.Entry!.FetchedAt); // the host's TimeProvider
        Assert.True(File.Exists(Path.Combine(folder, Domain + ".json")));
        Assert.Same(provider.GetRequiredService<PolicyResolver>(), provider.GetRequiredService<PolicyResolver>());
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task AddMtaSts_ProactiveRefreshFlag_RegistersRefreshService(bool proactiveRefresh, int expected)
    {
        await using var provider = Build(proactiveRefresh, Path.Combine(_net.Folder, "di"));

        Assert.Equal(expected, provider.GetServices<IHostedService>().OfType<PolicyRefreshService>().Count());
    }
}
