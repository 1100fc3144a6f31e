using System.Text.Json;
using MtaStsRelay.Tests.EndToEnd;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Cli;

/// <summary>
/// <c>mtasts-relay policy …</c> against a relay on the simulated internet, running (forget and
/// refresh change the relay's memory too, through <c>spool/control/</c>) and stopped (the command
/// changes the cache files itself, under the spool lock).
/// </summary>
public sealed class PolicyCommandTests : RelayScenario
{
    /// <summary>A domain with an enforce policy (id <paramref name="id"/>) and one good MX, and one message delivered to it.</summary>
    private async Task<TestMxServer> DeliveredUnderPolicyAsync(string domain, string id = "20261129")
    {
        var mx = await Internet.AddMxHostAsync(domain, 10, $"mx1.{domain}");
        Internet.PublishPolicy(domain, id, PolicyText.Create("enforce", 604800, $"mx1.{domain}"));
        await SendAndWaitAsync(domain, "fetched");
        return mx;
    }

    private async Task<LogCollector.LogLine> SendAndWaitAsync(string domain, string policySource)
    {
        var queueId = await SendAsync($"bob@{domain}");
        var line = await Relay.WaitForAttemptAsync(queueId, domain, "sent", Timeout());
        Assert.Contains($"policy_source={policySource}", line.Message, StringComparison.Ordinal);
        return line;
    }

    private int Fetches(string domain) => Internet.Https.RequestCount($"mta-sts.{domain}");

    [Fact]
    public async Task List_AfterDelivery_DomainModeIdTimesAndMx()
    {
        await DeliveredUnderPolicyAsync("listed.test");

        var (code, output, _) = await Relay.RunCliAsync("policy", "list");

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("DOMAIN", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^listed\.test\s+enforce\s+20261129\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+mx1\.listed\.test$", lines[1]);
        Assert.StartsWith("-- 1 policy in ", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Json_EveryPolicyWithItsFile()
    {
        await DeliveredUnderPolicyAsync("listjson.test");

        var (code, output, _) = await Relay.RunCliAsync("policy", "list", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var policy = Assert.Single(json.RootElement.GetProperty("policies").EnumerateArray());
        Assert.Equal("listjson.test", policy.GetProperty("domain").GetString());
        Assert.Equal("enforce", policy.GetProperty("mode").GetString());
        Assert.Equal(604800, policy.GetProperty("maxAge").GetInt64());
        Assert.False(policy.GetProperty("expired").GetBoolean());
        Assert.True(File.Exists(policy.GetProperty("file").GetString()));
    }

    [Fact]
    public async Task Show_CachedPolicy_IdModeMaxAgeMxAgeExpiryAndFile()
    {
        await DeliveredUnderPolicyAsync("shown.test");
        Relay.Time.Advance(TimeSpan.FromHours(1));

        var (code, output, _) = await Relay.RunCliAsync("policy", "show", "SHOWN.test");

        Assert.True(code == 0, output);
        Assert.Contains("Domain:     shown.test", output, StringComparison.Ordinal);
        Assert.Contains("Policy id:  20261129", output, StringComparison.Ordinal);
        Assert.Contains("Mode:       enforce", output, StringComparison.Ordinal);
        Assert.Contains("Max age:    604800 s (7d00h)", output, StringComparison.Ordinal);
        Assert.Contains("MX:         mx1.shown.test", output, StringComparison.Ordinal);
        Assert.Matches(@"Fetched:    \S+ \S+ \(1h00m ago\)", output);
        Assert.Matches(@"Expires:    \S+ \S+ \(in 6d23h\)", output);
        var file = output.Split("File:")[1].Trim();
        Assert.EndsWith("shown.test.json", file, StringComparison.Ordinal);
        Assert.True(File.Exists(file));
    }

    [Fact]
    public async Task Show_Json_OnePolicy()
    {
        await DeliveredUnderPolicyAsync("showjson.test");

        var (code, output, _) = await Relay.RunCliAsync("policy", "show", "showjson.test", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("20261129", json.RootElement.GetProperty("id").GetString());
        Assert.Equal("mx1.showjson.test", Assert.Single(json.RootElement.GetProperty("mx").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("show", "nothing.test", 1)]
    [InlineData("forget", "nothing.test", 1)]
    [InlineData("show", "bad..domain", 2)]
    [InlineData("refresh", "-bad.test", 2)]
    public async Task NotCachedOrBadDomain_NotFoundOrUsage(string verb, string domain, int expected)
    {
        var (code, _, error) = await Relay.RunCliAsync("policy", verb, domain);

        Assert.Equal(expected, code);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task List_NothingCached_SaysSo()
    {
        var (code, output, _) = await Relay.RunCliAsync("policy", "list");

        Assert.Equal(0, code);
        Assert.StartsWith("No policies cached in ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Forget_NextDeliveryFetchesThePolicyAgain(bool relayStopped)
    {
        await DeliveredUnderPolicyAsync("forgot.test");
        await SendAndWaitAsync("forgot.test", "cache");
        Assert.Equal(1, Fetches("forgot.test"));
        var (code, output, _) = await Relay.RunCliAsync(relayStopped, "policy", "forget", "forgot.test");

        Assert.True(code == 0, output);
        Assert.Contains("forgot.test: forgot policy id=20261129 mode=enforce", output, StringComparison.Ordinal);
        Assert.Equal(1, (await Relay.RunCliAsync("policy", "show", "forgot.test")).ExitCode);
        await SendAndWaitAsync("forgot.test", "fetched");
        Assert.Equal(2, Fetches("forgot.test"));
    }

    [Fact]
    public async Task Refresh_Running_NewIdStoredAndUsedByTheRelayAtOnce()
    {
        await DeliveredUnderPolicyAsync("moved.test", "1");
        Internet.ChangePolicy("moved.test", "2", PolicyText.Enforce("mx1.moved.test"));

        var (code, output, _) = await Relay.RunCliAsync("policy", "refresh", "moved.test");

        Assert.True(code == 0, output);
        Assert.Contains("moved.test: fetched and stored policy id=2 mode=enforce", output, StringComparison.Ordinal);
        Assert.Contains("Policy id:  2", (await Relay.RunCliAsync("policy", "show", "moved.test")).Output, StringComparison.Ordinal);
        // Within the TXT lookup interval the relay would still use id 1 from memory, had the refresh not reached it.
        var line = await SendAndWaitAsync("moved.test", "cache");
        Assert.Contains("policy_id=2", line.Message, StringComparison.Ordinal);
        Assert.Equal(2, Fetches("moved.test"));
    }

    [Fact]
    public async Task Refresh_Stopped_FetchedAndStoredForTheNextStart()
    {
        await Internet.AddMxHostAsync("fresh.test", 10, "mx1.fresh.test");
        Internet.PublishPolicy("fresh.test", "7", PolicyText.Create("testing", 86400, "mx1.fresh.test"));

        var (code, output, _) = await Relay.RunCliAsync(relayStopped: true, "policy", "refresh", "fresh.test");

        Assert.True(code == 0, output);
        Assert.Contains("fresh.test: fetched and stored policy id=7 mode=testing max_age=86400", output, StringComparison.Ordinal);
        var line = await SendAndWaitAsync("fresh.test", "cache");
        Assert.Contains("policy_id=7", line.Message, StringComparison.Ordinal);
        Assert.Equal(1, Fetches("fresh.test"));
    }

    [Fact]
    public async Task Refresh_DomainWithoutPolicy_NothingStoredExit1()
    {
        await Internet.AddMxHostAsync("plain.test", 10, "mx1.plain.test");

        var (code, _, error) = await Relay.RunCliAsync("policy", "refresh", "plain.test");

        Assert.Equal(1, code);
        Assert.Contains("plain.test: no policy: the domain publishes no MTA-STS TXT record", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_PolicyHostBroken_KeepsCachedPolicyExit1()
    {
        await DeliveredUnderPolicyAsync("broken.test", "1");
        Internet.ChangePolicy("broken.test", "2", "this is not a policy");

        var (code, _, error) = await Relay.RunCliAsync("policy", "refresh", "broken.test");

        Assert.Equal(1, code);
        Assert.Contains("broken.test: not refreshed: fetch failed (sts-policy-invalid", error, StringComparison.Ordinal);
        Assert.Contains("keeping the cached policy id=1", error, StringComparison.Ordinal);
    }
}
