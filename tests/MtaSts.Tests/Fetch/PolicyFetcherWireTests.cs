using System.Text;
using MtaSts.Dns;
using MtaSts.Failures;
using MtaSts.Fetch;
using MtaSts.Tls;
using SimulatedInternet;

namespace MtaSts.Tests.Fetch;

/// <summary>
/// The exact bytes on the wire, through <see cref="RawHttpsServer"/>: the request headers we send
/// (PolicyHttpsHost does not log them) and a chunked body with no Content-Length to announce its size.
/// </summary>
public sealed class PolicyFetcherWireTests : IAsyncLifetime
{
    private const string Domain = "raw.test";
    private const string PolicyHost = "mta-sts.raw.test";
    private const string Policy = "version: STSv1\nmode: testing\nmx: mx.raw.test\nmax_age: 3600\n";
    private readonly TestCertificateAuthority _ca = new();
    private DnsTestServer _dns = null!;

    public async Task InitializeAsync()
    {
        _dns = await DnsTestServer.StartAsync();
        _dns.AddA(PolicyHost, "127.0.0.1");
    }

    public async Task DisposeAsync()
    {
        await _dns.DisposeAsync();
        _ca.Dispose();
    }

    [Fact]
    public async Task FetchAsync_Request_CarriesUserAgentAndNoCacheAndNoConditionals()
    {
        var options = new MtaStsOptions { UserAgent = "relay-under-test/9.9" };

        var (result, heads) = await FetchFromRawServerAsync(RawHttpsServer.Chunked(Encoding.ASCII.GetBytes(Policy)), options);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        var head = Assert.Single(heads);
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("GET /.well-known/mta-sts.txt HTTP/1.1", lines[0]);
        Assert.Contains("User-Agent: relay-under-test/9.9", lines);
        Assert.Contains("Cache-Control: no-cache", lines);
        Assert.Contains(lines, l => l.StartsWith("Host: mta-sts.raw.test", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.StartsWith("If-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.StartsWith("Cookie", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task FetchAsync_DefaultOptions_SendsRelayUserAgent()
    {
        var (_, heads) = await FetchFromRawServerAsync(RawHttpsServer.Chunked(Encoding.ASCII.GetBytes(Policy)), new MtaStsOptions());

        Assert.Contains($"User-Agent: {new MtaStsOptions().UserAgent}\r\n", Assert.Single(heads), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_MalformedUserAgent_FetchesWithDefaultUserAgent()
    {
        var options = new MtaStsOptions { UserAgent = "Relay 1.0 / admin@x" };

        var (result, heads) = await FetchFromRawServerAsync(RawHttpsServer.Chunked(Encoding.ASCII.GetBytes(Policy)), options);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Contains($"User-Agent: {MtaStsOptions.DefaultUserAgent}\r\n", Assert.Single(heads), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_ChunkedBodyOfExactly64KiB_IsAccepted()
    {
        var body = Pad(Policy, MtaStsOptions.MaxPolicyBytes);

        var (result, _) = await FetchFromRawServerAsync(RawHttpsServer.Chunked(body), new MtaStsOptions());

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(MtaStsOptions.MaxPolicyBytes, result.BodyBytes);
    }

    [Fact]
    public async Task FetchAsync_ChunkedBodyOf64KiBPlusOne_IsRejected()
    {
        var body = Pad(Policy, MtaStsOptions.MaxPolicyBytes + 1);

        var (result, _) = await FetchFromRawServerAsync(RawHttpsServer.Chunked(body), new MtaStsOptions());

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("larger than 64 KiB", result.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_HugeChunkedBody_IsRejected()
    {
        var body = Pad(Policy, 1024 * 1024);

        var (result, _) = await FetchFromRawServerAsync(RawHttpsServer.Chunked(body, chunkSize: 65536), new MtaStsOptions());

        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
    }

    [Fact]
    public async Task FetchAsync_ConnectionClosedMidBody_IsFetchErrorNotException()
    {
        var response = Ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n" + Policy);

        var (result, _) = await FetchFromRawServerAsync(response, new MtaStsOptions());

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("reading the body", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(200, result.StatusCode);
    }

    [Fact]
    public async Task FetchAsync_MalformedChunkedBody_IsFetchErrorNotException()
    {
        var response = Ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + Policy + "\r\n0\r\n\r\n");

        var (result, _) = await FetchFromRawServerAsync(response, new MtaStsOptions());

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("reading the body", result.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_NotHttp_IsFetchError()
    {
        var (result, _) = await FetchFromRawServerAsync(Ascii("SSH-2.0-OpenSSH_9.6\r\n"), new MtaStsOptions());

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Null(result.StatusCode);
    }

    [Fact]
    public async Task FetchAsync_OversizedHeaders_IsFetchError()
    {
        var header = "X-Filler: " + new string('x', 20 * 1024) + "\r\n";
        var response = Ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + header + $"Content-Length: {Policy.Length}\r\n\r\n" + Policy);

        var (result, _) = await FetchFromRawServerAsync(response, new MtaStsOptions());

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>The policy followed by blank lines up to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Pad(string policy, int size)
    {
        var bytes = Encoding.ASCII.GetBytes(policy);
        return [.. bytes, .. Enumerable.Repeat((byte)'\n', size - bytes.Length)];
    }

    private async Task<(PolicyFetchResult Result, IReadOnlyList<string> Heads)> FetchFromRawServerAsync(byte[] response, MtaStsOptions options)
    {
        using var certificate = _ca.IssueServerCertificate(PolicyHost);
        await using var server = new RawHttpsServer(certificate, response);
        options.PolicyPort = server.Port;
        options.FetchTimeout = TimeSpan.FromSeconds(30);
        var resolver = new HostAddressResolver(DnsResolverFactory.Create([_dns.Address]));
        using var fetcher = new PolicyFetcher(resolver, new CertificateValidator([_ca.RootCertificate]), options);

        var result = await fetcher.FetchAsync(Domain, CancellationToken.None);
        return (result, server.RequestHeads);
    }
}
