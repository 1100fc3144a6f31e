using System.Text.Json;
using MtaStsRelay.Cli;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Cli;

/// <summary><c>mtasts-relay check</c> end to end on the simulated internet: DNS, HTTPS policy host, STARTTLS MX hosts.</summary>
public sealed class CheckCommandTests : IAsyncLifetime
{
    private TestInternet _internet = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _internet = await TestInternet.StartAsync();
        _folder = Directory.CreateTempSubdirectory("check-tests-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _internet.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext
        {
            Output = output,
            Error = error,
            ConfigOverrides = new Dictionary<string, string?>
            {
                ["Relay:Dns:Servers:0"] = _internet.DnsAddress,
                ["Relay:Tls:TrustedRoots"] = _internet.WriteRootPem(_folder),
                ["Relay:MtaSts:PolicyPort"] = _internet.HttpsPort.ToString(),
                ["Relay:Delivery:Port"] = _internet.SmtpPort.ToString(),
                ["Relay:MtaSts:CachePath"] = Path.Combine(_folder, "cache"),
            },
        };
        var code = await RelayCommandLine.InvokeAsync(args, context);
        return (code, output.ToString(), error.ToString());
    }

    private async Task PublishGoodDomainAsync(string domain)
    {
        await _internet.AddMxHostAsync(domain, 10, $"mx1.{domain}");
        _internet.PublishPolicy(domain, "20261129", PolicyText.Create("enforce", 604800, $"mx1.{domain}"));
        _internet.Dns.AddTxt($"_smtp._tls.{domain}", $"v=TLSRPTv1; rua=mailto:tls@{domain}");
    }

    [Fact]
    public async Task Check_GoodEnforceDomain_PassesWithExitZero()
    {
        await PublishGoodDomainAsync("good.test");

        var (code, output, _) = await RunAsync("check", "good.test");

        Assert.True(code == 0, output);
        Assert.Contains("[ ok ] id=20261129", output, StringComparison.Ordinal);
        Assert.Contains("mode=enforce max_age=604800 mx=mx1.good.test", output, StringComparison.Ordinal);
        Assert.Contains("mx1.good.test (matches mx1.good.test)", output, StringComparison.Ordinal);
        Assert.Contains("certificate valid", output, StringComparison.Ordinal);
        Assert.Contains("reports go to mailto:tls@good.test", output, StringComparison.Ordinal);
        Assert.Contains("Result: PASS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Json_IsStableDocumentWithEverySection()
    {
        await PublishGoodDomainAsync("json.test");

        var (code, output, _) = await RunAsync("check", "json.test", "--json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal("found", root.GetProperty("txt").GetProperty("status").GetString());
        Assert.Equal("20261129", root.GetProperty("txt").GetProperty("id").GetString());
        Assert.Equal(200, root.GetProperty("fetch").GetProperty("status").GetInt32());
        Assert.Equal("text/plain", root.GetProperty("fetch").GetProperty("contentType").GetString());
        Assert.Contains("mta-sts.json.test", root.GetProperty("fetch").GetProperty("certificate").GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal("enforce", root.GetProperty("policy").GetProperty("mode").GetString());
        var mx = Assert.Single(root.GetProperty("mx").EnumerateArray());
        Assert.Equal("mx1.json.test", mx.GetProperty("host").GetString());
        Assert.True(mx.GetProperty("passed").GetBoolean());
        var address = Assert.Single(mx.GetProperty("addresses").EnumerateArray());
        Assert.True(address.GetProperty("startTls").GetBoolean());
        Assert.Contains(address.GetProperty("tlsProtocol").GetString(), new[] { "Tls12", "Tls13" });
        Assert.True(root.GetProperty("tlsRpt").GetProperty("valid").GetBoolean());
        Assert.Empty(root.GetProperty("problems").EnumerateArray());
    }

    [Theory]
    [InlineData(CertificateKind.WrongName, "certificate-host-mismatch")]
    [InlineData(CertificateKind.SelfSigned, "certificate-not-trusted")]
    [InlineData(CertificateKind.Expired, "certificate-expired")]
    [InlineData(CertificateKind.None, "starttls-not-supported")]
    public async Task Check_BadMx_ReportsFailureTypeWithExitOne(CertificateKind certificate, string failureType)
    {
        await _internet.AddMxHostAsync("bad.test", 10, "mx1.bad.test", certificate);
        _internet.PublishPolicy("bad.test", "1", PolicyText.Create("enforce", 604800, "mx1.bad.test"));

        var (code, output, _) = await RunAsync("check", "bad.test", "--json");

        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(output);
        var address = doc.RootElement.GetProperty("mx")[0].GetProperty("addresses")[0];
        Assert.False(address.GetProperty("passed").GetBoolean());
        Assert.Equal(failureType, address.GetProperty("failureType").GetString());
    }

    [Fact]
    public async Task Check_WarnsAboutTestingModeShortMaxAgeAndUncoveredMx()
    {
        await _internet.AddMxHostAsync("warn.test", 10, "mx1.warn.test");
        await _internet.AddMxHostAsync("warn.test", 20, "backup.elsewhere.test");
        _internet.PublishPolicy("warn.test", "1", PolicyText.Create("testing", 3600, "mx1.warn.test", "*.gone.test"));

        var (code, output, _) = await RunAsync("check", "warn.test");

        Assert.Equal(1, code);
        Assert.Contains("mode is testing", output, StringComparison.Ordinal);
        Assert.Contains("mx pattern *.gone.test matches none of the MX records", output, StringComparison.Ordinal);
        Assert.Contains("MX backup.elsewhere.test is not covered by any mx pattern", output, StringComparison.Ordinal);
        Assert.Contains("no TXT record starting with v=TLSRPTv1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ShortMaxAgeInEnforce_Warns()
    {
        await _internet.AddMxHostAsync("short.test", 10, "mx1.short.test");
        _internet.PublishPolicy("short.test", "1", PolicyText.Create("enforce", 600, "mx1.short.test"));

        var (_, output, _) = await RunAsync("check", "short.test");

        Assert.Contains("max_age is 600s in enforce mode", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NoTxtRecord_ExitOneWithReason()
    {
        await _internet.AddMxHostAsync("nosts.test", 10, "mx1.nosts.test");

        var (code, output, _) = await RunAsync("check", "nosts.test");

        Assert.Equal(1, code);
        Assert.Contains("TXT: _mta-sts.nosts.test", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PolicyFetchRedirect_ReportsFetchError()
    {
        await _internet.AddMxHostAsync("redir.test", 10, "mx1.redir.test");
        _internet.PublishPolicy("redir.test", "1", PolicyResponse.Redirect("https://elsewhere.test/policy"));

        var (code, output, _) = await RunAsync("check", "redir.test");

        Assert.Equal(1, code);
        Assert.Contains("sts-policy-fetch-error", output, StringComparison.Ordinal);
        Assert.Contains("redirect", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Check_TxtServfail_IsLookupErrorExitTwo()
    {
        _internet.Dns.SetResponseCode("_mta-sts.broken.test", DnsRcode.ServFail);

        var (code, output, _) = await RunAsync("check", "broken.test");

        Assert.Equal(2, code);
        Assert.Contains("could not complete the check", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("check", "192.0.2.1")]
    [InlineData("check", "good.test", "--dns", "not-an-ip")]
    [InlineData("check", "good.test", "--no-such-option")]
    public async Task Check_UsageError_ExitTwo(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Check_DnsOptionOverridesConfiguredServers()
    {
        await PublishGoodDomainAsync("dnsopt.test");

        var (code, _, _) = await RunAsync("check", "dnsopt.test", "--dns", _internet.DnsAddress);

        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Check_BadConfiguration_NamesTheKeyExitTwo()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext
        {
            Output = output,
            Error = error,
            ConfigOverrides = new Dictionary<string, string?> { ["Relay:Dns:Servers:0"] = "nonsense" },
        };

        var code = await RelayCommandLine.InvokeAsync(["check", "example.test"], context);

        Assert.Equal(2, code);
        Assert.Contains("Relay:Dns:Servers:0", error.ToString(), StringComparison.Ordinal);
    }
}
