using System.Net;
using MtaSts.Check;
using MtaSts.Discovery;
using MtaSts.Dns;
using MtaSts.Fetch;
using MtaSts.Tls;
using SimulatedInternet;

namespace MtaSts.Tests.Check;

/// <summary>
/// The findings of <see cref="DomainChecker"/> on the simulated internet (DNS and the HTTPS policy
/// host). The STARTTLS probe is a stub that always passes: these tests are about DNS, policy and
/// what is reported, not about TLS on the MX hosts.
/// </summary>
public sealed class DomainCheckerTests : IAsyncLifetime
{
    private readonly TestCertificateAuthority _ca = new();
    private DnsTestServer _dns = null!;
    private PolicyHttpsHost _https = null!;
    private PolicyFetcher _fetcher = null!;
    private DomainChecker _checker = null!;

    public async Task InitializeAsync()
    {
        _dns = await DnsTestServer.StartAsync();
        _https = await PolicyHttpsHost.StartAsync(_ca);
        var lookup = DnsResolverFactory.Create([_dns.Address], TimeSpan.FromSeconds(10));
        var addresses = new HostAddressResolver(lookup);
        _fetcher = new PolicyFetcher(addresses, new CertificateValidator([_ca.RootCertificate]), new MtaStsOptions { PolicyPort = _https.Port });
        _checker = new DomainChecker(lookup, new StsTxtDiscovery(lookup), _fetcher, addresses, new PassingProbe());
    }

    public async Task DisposeAsync()
    {
        _fetcher.Dispose();
        await _https.DisposeAsync();
        await _dns.DisposeAsync();
        _ca.Dispose();
    }

    private void Publish(string domain, string policy, params string[] mxHosts)
    {
        _dns.AddTxt("_mta-sts." + domain, "v=STSv1; id=1;");
        _dns.AddA("mta-sts." + domain, "127.0.0.1");
        _https.Serve("mta-sts." + domain, policy);
        _dns.AddTxt("_smtp._tls." + domain, $"v=TLSRPTv1; rua=mailto:tls@{domain}");
        for (var i = 0; i < mxHosts.Length; i++)
        {
            _dns.AddMx(domain, 10 * (i + 1), mxHosts[i]);
            _dns.AddA(mxHosts[i], "127.0.0.1");
        }
    }

    [Fact]
    public async Task CheckAsync_GoodDomain_Passes()
    {
        Publish("good.test", PolicyText.Enforce("mx1.good.test"), "mx1.good.test");

        var report = await _checker.CheckAsync("good.test", CancellationToken.None);

        Assert.True(report.Passed, string.Join("; ", report.Problems));
        Assert.True(report.TlsRpt.Valid);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public async Task CheckAsync_MxLookupFails_LookupErrorWithoutPatternWarnings()
    {
        Publish("mxfail.test", PolicyText.Enforce("mx1.mxfail.test", "*.mxfail.test"));
        _dns.SetResponseCode("mxfail.test", DnsRcode.ServFail, DnsRecordType.Mx);

        var report = await _checker.CheckAsync("mxfail.test", CancellationToken.None);

        Assert.Contains("MX lookup of mxfail.test failed", report.LookupError, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Warnings, w => w.Contains("matches none of the MX records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_MxFoundButPatternUnused_StillWarns()
    {
        Publish("unused.test", PolicyText.Enforce("mx1.unused.test", "*.gone.test"), "mx1.unused.test");

        var report = await _checker.CheckAsync("unused.test", CancellationToken.None);

        Assert.Contains("mx pattern *.gone.test matches none of the MX records", report.Warnings);
    }

    [Fact]
    public async Task CheckAsync_TlsRptServfail_ReportedAsLookupFailureNotMissingRecord()
    {
        Publish("rptfail.test", PolicyText.Enforce("mx1.rptfail.test"), "mx1.rptfail.test");
        _dns.SetResponseCode("_smtp._tls.rptfail.test", DnsRcode.ServFail);

        var report = await _checker.CheckAsync("rptfail.test", CancellationToken.None);

        Assert.False(report.TlsRpt.Valid);
        Assert.Contains("TXT lookup of _smtp._tls.rptfail.test failed", report.TlsRpt.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("no TXT record", report.TlsRpt.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_TlsRptNxdomain_ReportedAsMissingRecord()
    {
        Publish("rptnone.test", PolicyText.Enforce("mx1.rptnone.test"), "mx1.rptnone.test");
        _dns.Remove("_smtp._tls.rptnone.test");

        var report = await _checker.CheckAsync("rptnone.test", CancellationToken.None);

        Assert.Contains("no TXT record starting with v=TLSRPTv1", report.TlsRpt.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("enforce", "MTA-STS senders will not deliver to it")]
    [InlineData("testing", "in testing mode senders still deliver to it")]
    public async Task CheckAsync_UncoveredMx_OneProblemWordedForTheMode(string mode, string consequence)
    {
        Publish("cover.test", PolicyText.Create(mode, 604800, "mx1.cover.test"), "mx1.cover.test", "backup.other.test");

        var report = await _checker.CheckAsync("cover.test", CancellationToken.None);

        var problem = Assert.Single(report.Problems);
        Assert.StartsWith("MX backup.other.test is not covered by any mx pattern", problem, StringComparison.Ordinal);
        Assert.Contains(consequence, problem, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Warnings, w => w.Contains("backup.other.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_DomainTooLongForItsMtaStsName_ReportsNoRecordInsteadOfThrowing()
    {
        // 251 characters: a valid domain, but _mta-sts.<domain> (260) and _smtp._tls.<domain> cannot exist.
        var domain = string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 54), "test");
        Assert.Equal(251, domain.Length);

        var report = await _checker.CheckAsync(domain, CancellationToken.None);

        Assert.Equal(TxtDiscoveryStatus.NoRecord, report.Txt.Status);
        Assert.Contains("cannot exist", report.Txt.Reason, StringComparison.Ordinal);
        Assert.Contains(report.Problems, p => p.StartsWith("TXT: ", StringComparison.Ordinal) && p.Contains("at most 253", StringComparison.Ordinal));
        Assert.Contains("cannot exist", report.TlsRpt.Problem, StringComparison.Ordinal);
    }

    private sealed class PassingProbe : IMxTlsProbe
    {
        public Task<MxTlsProbeResult> ProbeAsync(string mxHost, IPAddress address, int port, CancellationToken cancellationToken) =>
            Task.FromResult(new MxTlsProbeResult(true, true, "Tls13", null, CertificateVerdict.Valid, "CN=" + mxHost, "CN=test", null, null));
    }
}
