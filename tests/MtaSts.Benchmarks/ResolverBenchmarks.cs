using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using MtaSts.Cache;
using MtaSts.Discovery;
using MtaSts.Dns;
using MtaSts.Fetch;
using MtaSts.Resolution;
using MtaSts.Tls;
using SimulatedInternet;

namespace MtaSts.Benchmarks;

/// <summary>
/// The fast path of <see cref="PolicyResolver.ResolveAsync"/>: the policy and the TXT answer are cached
/// and the TXT lookup interval has not passed, so no DNS query and no fetch happen. This is what every
/// delivery to a known domain pays. Built in-process on the simulated internet; the fake clock never
/// moves, so every call stays inside the interval.
/// </summary>
[MemoryDiagnoser]
public class ResolverBenchmarks
{
    private const string Domain = "example.test";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mtasts-bench-" + Guid.NewGuid().ToString("N"));
    private TestCertificateAuthority _authority = null!;
    private DnsTestServer _dns = null!;
    private PolicyHttpsHost _https = null!;
    private PolicyFetcher _fetcher = null!;
    private PolicyCache _cache = null!;
    private PolicyResolver _resolver = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _authority = new TestCertificateAuthority();
        _dns = await DnsTestServer.StartAsync();
        _https = await PolicyHttpsHost.StartAsync(_authority);
        _dns.AddTxt("_mta-sts." + Domain, "v=STSv1; id=20240101T000000Z;");
        _dns.AddA("mta-sts." + Domain, "127.0.0.1");
        _https.Serve("mta-sts." + Domain, "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmx: *.mail.example.test\nmax_age: 604800\n");

        var options = new MtaStsOptions { PolicyPort = _https.Port };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dns = DnsResolverFactory.Create([_dns.Address]);
        _fetcher = new PolicyFetcher(new HostAddressResolver(dns), new CertificateValidator([_authority.RootCertificate]), options, time);
        _cache = new PolicyCache(new FilePolicyStore(_folder), time);
        _resolver = new PolicyResolver(new StsTxtDiscovery(dns), _fetcher, _cache, options, time);

        var first = await _resolver.ResolveAsync(Domain, CancellationToken.None);
        if (first.Source != PolicySource.Fetched || CachedResolve().Source != PolicySource.Cache)
        {
            throw new InvalidOperationException($"setup did not reach the fast path: {first}");
        }
    }

    /// <summary>A domain as delivery passes it: already lower-case A-labels.</summary>
    [Benchmark(Baseline = true)]
    public PolicyResolution CachedResolve() => Resolve(Domain);

    /// <summary>The same domain as a user might type it: normalisation (IDNA, lower-casing) is paid.</summary>
    [Benchmark]
    public PolicyResolution CachedResolveMixedCase() => Resolve("Example.TEST.");

    private PolicyResolution Resolve(string domain)
    {
        var pending = _resolver.ResolveAsync(domain, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        _fetcher.Dispose();
        _https.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dns.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _authority.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
