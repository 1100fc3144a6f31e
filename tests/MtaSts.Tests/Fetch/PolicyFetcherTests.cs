using System.Text;
using MtaSts.Failures;
using MtaSts.Fetch;
using MtaSts.Policy;
using SimulatedInternet;

namespace MtaSts.Tests.Fetch;

/// <summary>The HTTP rules of the policy fetch (RFC 8461 §3.3, rules doc §2) against a real HTTPS server.</summary>
public sealed class PolicyFetcherTests : PolicyFetcherFixture
{
    [Fact]
    public async Task FetchAsync_GoodPolicy_ReturnsParsedPolicy()
    {
        Https.Serve(PolicyHost, GoodPolicy);

        var result = await FetchAsync();

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Null(result.Failure);
        Assert.Equal(MtaStsMode.Enforce, result.Policy!.Mode);
        Assert.Equal(TimeSpan.FromSeconds(86400), result.Policy.MaxAge);
        Assert.Equal(["mx1.example.test", "*.example.test"], result.Policy.Mx.Select(p => p.Pattern));
        Assert.Equal("https://mta-sts.example.test/.well-known/mta-sts.txt", result.Url);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal("text/plain", result.ContentType);
        Assert.Equal(Encoding.UTF8.GetByteCount(GoodPolicy), result.BodyBytes);
        Assert.Equal(GoodPolicy, result.Body);
        Assert.Contains("CN=mta-sts.example.test", result.Certificate?.Subject, StringComparison.Ordinal);
        Assert.Contains("SimulatedInternet Test Root CA", result.Certificate?.Issuer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_GoodPolicy_SendsOneGetWithSniForThePolicyHost()
    {
        Https.Serve(PolicyHost, GoodPolicy);

        await FetchAsync();

        var request = Assert.Single(Https.Requests);
        Assert.Equal(PolicyHost, request.Host);
        Assert.Equal(PolicyHost, request.ServerName);
        Assert.Equal(PolicyHttpsHost.PolicyPath, request.Path);
    }

    [Fact]
    public async Task FetchAsync_PolicyHostIsCname_FetchesFromTarget()
    {
        Dns.Remove(PolicyHost);
        Dns.AddCname("mta-sts.other.test", "policy.hosting.test");
        Dns.AddA("policy.hosting.test", "127.0.0.1");
        Https.Serve("mta-sts.other.test", GoodPolicy);

        var result = await FetchAsync("other.test");

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal("mta-sts.other.test", Assert.Single(Https.Requests).ServerName);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(403)]
    public async Task FetchAsync_StatusNot200_IsFetchErrorNamingStatus(int status)
    {
        Https.Serve(PolicyHost, PolicyResponse.Error(status) with { Body = GoodPolicy });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains($"HTTP {status}", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(status, result.StatusCode);
    }

    [Fact]
    public async Task FetchAsync_UnservedHost_Is404FetchError()
    {
        var result = await FetchAsync();

        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Equal(404, result.StatusCode);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task FetchAsync_Redirect_IsFetchErrorAndTargetIsNotRequested(int status)
    {
        // The target is fully reachable (DNS, certificate, policy): only the rule stops us following it.
        const string Target = "mta-sts.target.test";
        Dns.AddA(Target, "127.0.0.1");
        Https.Serve(Target, GoodPolicy);
        var location = Https.PolicyUri(Target).ToString();
        Https.Serve(PolicyHost, PolicyResponse.Redirect(location, status));

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains($"HTTP {status}", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains(location, result.Failure.Reason, StringComparison.Ordinal);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal(1, Https.RequestCount(PolicyHost));
        Assert.Equal(0, Https.RequestCount(Target));
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/octet-stream")]
    [InlineData("text/plain-ish")]
    [InlineData("text/html; charset=utf-8")]
    public async Task FetchAsync_WrongContentType_IsFetchErrorNamingIt(string contentType)
    {
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { ContentType = contentType });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains($"'{contentType}'", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains("text/plain", result.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_NoContentType_IsFetchError()
    {
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { ContentType = null });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("(none)", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Null(result.ContentType);
    }

    [Theory]
    [InlineData("TEXT/PLAIN; charset=utf-8")]
    [InlineData("text/plain; charset=us-ascii")]
    [InlineData("Text/Plain")]
    public async Task FetchAsync_TextPlainWithOtherCaseOrParameters_IsAccepted(string contentType)
    {
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { ContentType = contentType });

        var result = await FetchAsync();

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task FetchAsync_BodyOfExactly64KiB_IsAccepted()
    {
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { BodySize = MtaStsOptions.MaxPolicyBytes });

        var result = await FetchAsync();

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(65536, result.BodyBytes);
        Assert.Equal(MtaStsMode.Enforce, result.Policy!.Mode);
    }

    [Fact]
    public async Task FetchAsync_BodyOf64KiBPlusOne_IsRejectedNotTruncated()
    {
        // Cut at 64 KiB, this body would still be a valid policy: only rejection makes this test pass.
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { BodySize = MtaStsOptions.MaxPolicyBytes + 1 });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("larger than 64 KiB", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Null(result.Body);
        Assert.Null(result.BodyBytes);
    }

    [Fact]
    public async Task FetchAsync_BodyNotUtf8_IsPolicyInvalid()
    {
        byte[] body = [.. Encoding.ASCII.GetBytes("version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\nx-note: "), 0xC3, 0x28, 0xFF, 0x0A];
        Https.Serve(PolicyHost, new PolicyResponse { BodyBytes = body });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyInvalid, result.Failure?.Type);
        Assert.Contains("not valid UTF-8", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(body.Length, result.BodyBytes);
    }

    [Theory]
    [InlineData("version: STSv1\nmode: enforce\nmx: mx1.example.test\n", "max_age")]
    [InlineData("version: STSv1\nmode: enforcing\nmx: mx1.example.test\nmax_age: 86400\n", "enforcing")]
    [InlineData("version: STSv2\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n", "STSv2")]
    [InlineData("<html><body>Not here</body></html>\n", "line 1")]
    [InlineData("", "no version line")]
    public async Task FetchAsync_InvalidPolicy_IsPolicyInvalidNamingTheProblem(string body, string problem)
    {
        Https.Serve(PolicyHost, body);

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyInvalid, result.Failure?.Type);
        Assert.Contains(problem, result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(body, result.Body);
    }

    [Fact]
    public async Task FetchAsync_SlowServer_TimesOutAsFetchError()
    {
        // The host's delay is cut short when it is disposed; FetchTimeout bounds the test.
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { Delay = TimeSpan.FromSeconds(30) });
        using var fetcher = CreateFetcher(fetchTimeout: TimeSpan.FromSeconds(1));

        var result = await fetcher.FetchAsync(Domain, CancellationToken.None);

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("timed out", result.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_CancelledByCaller_ThrowsRatherThanReportingTimeout()
    {
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { Delay = TimeSpan.FromSeconds(30) });
        using var fetcher = CreateFetcher(fetchTimeout: TimeSpan.FromSeconds(60));
        using var cancel = new CancellationTokenSource();

        var fetching = fetcher.FetchAsync(Domain, cancel.Token);
        await WaitForRequestAsync(PolicyHost);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetching);
    }

    [Fact]
    public async Task FetchAsync_SameFetcherTwice_FetchesTwice()
    {
        // No HTTP caching (RFC 8461 §3.3): a second fetch goes to the server and sees the new policy.
        Https.Serve(PolicyHost, GoodPolicy);
        using var fetcher = CreateFetcher();

        var first = await fetcher.FetchAsync(Domain, CancellationToken.None);
        Https.Serve(PolicyHost, GoodPolicy.Replace("mode: enforce", "mode: testing", StringComparison.Ordinal));
        var second = await fetcher.FetchAsync(Domain, CancellationToken.None);

        Assert.Equal(MtaStsMode.Enforce, first.Policy?.Mode);
        Assert.Equal(MtaStsMode.Testing, second.Policy?.Mode);
        Assert.Equal(2, Https.RequestCount(PolicyHost));
    }

    private async Task WaitForRequestAsync(string host)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (Https.RequestCount(host) == 0)
        {
            await Task.Delay(10, patience.Token);
        }
    }
}
