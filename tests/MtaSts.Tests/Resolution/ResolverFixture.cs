using Microsoft.Extensions.Time.Testing;
using MtaSts.Cache;
using MtaSts.Discovery;
using MtaSts.Dns;
using MtaSts.Fetch;
using MtaSts.Resolution;
using MtaSts.Tls;
using SimulatedInternet;

namespace MtaSts.Tests.Resolution;

/// <summary>
/// The real resolver on the simulated internet: a DNS test server for <c>_mta-sts</c> TXT and the
/// policy hosts' A records, one HTTPS host for every <c>mta-sts.&lt;domain&gt;</c> with a certificate
/// from a private CA, a file store in a unique temp folder, and fake time for everything the engine
/// decides (rate limit, expiry, back-off). Certificates are checked on real time, so advancing the
/// fake clock by days does not expire them.
/// </summary>
public sealed class ResolverFixture : IAsyncDisposable
{
    /// <summary>The domain most tests resolve.</summary>
    public const string Domain = "example.test";

    private ResolverFixture(TestCertificateAuthority authority, DnsTestServer dns, PolicyHttpsHost https, MtaStsOptions options)
    {
        Authority = authority;
        Dns = dns;
        Https = https;
        Options = options;
        Folder = Path.Combine(Path.GetTempPath(), "mtasts-cache-tests-" + Guid.NewGuid().ToString("N"));
        Discovery = new StsTxtDiscovery(DnsResolverFactory.Create([dns.Address], TimeSpan.FromSeconds(10)));
        Restart();
    }

    public TestCertificateAuthority Authority { get; }

    public DnsTestServer Dns { get; }

    public PolicyHttpsHost Https { get; }

    public MtaStsOptions Options { get; }

    /// <summary>A fixed start, so stored timestamps are predictable.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public LogSink Logs { get; } = new();

    /// <summary>The unique cache folder of this fixture, deleted on dispose.</summary>
    public string Folder { get; }

    public StsTxtDiscovery Discovery { get; }

    public PolicyFetcher Fetcher { get; private set; } = null!;

    public FilePolicyStore Store { get; private set; } = null!;

    public PolicyCache Cache { get; private set; } = null!;

    public PolicyResolver Resolver { get; private set; } = null!;

    /// <summary>Starts the simulated internet; <paramref name="configure"/> adjusts the options.</summary>
    public static async Task<ResolverFixture> StartAsync(Action<MtaStsOptions>? configure = null)
    {
        var authority = new TestCertificateAuthority();
        var dns = await DnsTestServer.StartAsync();
        var https = await PolicyHttpsHost.StartAsync(authority);
        var options = new MtaStsOptions { PolicyPort = https.Port };
        configure?.Invoke(options);
        return new ResolverFixture(authority, dns, https, options);
    }

    /// <summary>A policy body; <c>mode: none</c> without mx when <paramref name="mx"/> is empty.</summary>
    public static string PolicyText(string mode = "enforce", long maxAge = 86400, params string[] mx)
    {
        var lines = new List<string> { "version: STSv1", $"mode: {mode}" };
        lines.AddRange((mx.Length == 0 && mode != "none" ? ["mx.example.test"] : mx).Select(m => $"mx: {m}"));
        lines.Add($"max_age: {maxAge}");
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>
    /// Simulates a process restart: a new store, cache and resolver on the same folder, and a new
    /// fetcher (no pooled HTTPS connection, so the next fetch sees the host's current certificate).
    /// </summary>
    public void Restart()
    {
        Cache?.Dispose();
        Fetcher?.Dispose();
        Fetcher = new PolicyFetcher(
            new HostAddressResolver(DnsResolverFactory.Create([Dns.Address], TimeSpan.FromSeconds(10))),
            new CertificateValidator([Authority.RootCertificate]),
            Options,
            Time);
        Store = new FilePolicyStore(Folder, Logs.For<FilePolicyStore>());
        Cache = new PolicyCache(Store, Time, Logs.For<PolicyCache>());
        Resolver = new PolicyResolver(Discovery, Fetcher, Cache, Options, Time, Logs.For<PolicyResolver>());
    }

    /// <summary>Publishes a TXT record with <paramref name="id"/>, the policy host's address and the policy.</summary>
    public void Publish(string domain, string id, string policy) => Publish(domain, id, PolicyResponse.Ok(policy));

    /// <inheritdoc cref="Publish(string, string, string)"/>
    public void Publish(string domain, string id, PolicyResponse response)
    {
        SetTxt(domain, $"v=STSv1; id={id};");
        Dns.Remove("mta-sts." + domain, DnsRecordType.A);
        Dns.AddA("mta-sts." + domain, "127.0.0.1");
        Https.Serve("mta-sts." + domain, response);
    }

    /// <summary>Replaces the TXT records at <c>_mta-sts.&lt;domain&gt;</c> with one record per text.</summary>
    public void SetTxt(string domain, params string[] records)
    {
        Dns.Remove("_mta-sts." + domain, DnsRecordType.Txt);
        foreach (var record in records)
        {
            Dns.AddTxt("_mta-sts." + domain, record);
        }
    }

    /// <summary>Changes what the policy host serves for <paramref name="domain"/>.</summary>
    public void Serve(string domain, PolicyResponse response) => Https.Serve("mta-sts." + domain, response);

    /// <summary>TXT queries for <c>_mta-sts.&lt;domain&gt;</c> so far.</summary>
    public int TxtQueries(string domain = Domain) => Dns.QueryCount("_mta-sts." + domain, DnsRecordType.Txt);

    /// <summary>HTTPS requests to <c>mta-sts.&lt;domain&gt;</c> so far.</summary>
    public int Fetches(string domain = Domain) => Https.RequestCount("mta-sts." + domain);

    /// <summary>Resolves through the current resolver.</summary>
    public Task<PolicyResolution> ResolveAsync(string domain = Domain, bool lookUpTxtNow = false) =>
        Resolver.ResolveAsync(domain, CancellationToken.None, lookUpTxtNow).AsTask();

    /// <summary>Path of the store file of <paramref name="domain"/>.</summary>
    public string EntryPath(string domain = Domain) => Path.Combine(Folder, domain + ".json");

    public async ValueTask DisposeAsync()
    {
        Cache.Dispose();
        Fetcher.Dispose();
        await Https.DisposeAsync();
        await Dns.DisposeAsync();
        Authority.Dispose();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
