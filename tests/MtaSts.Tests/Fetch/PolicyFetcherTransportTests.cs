using System.Net;
using System.Net.Sockets;
using MtaSts.Failures;
using SimulatedInternet;

namespace MtaSts.Tests.Fetch;

/// <summary>What can go wrong before HTTP: the certificate (sts-webpki-invalid), DNS and TCP (sts-policy-fetch-error).</summary>
public sealed class PolicyFetcherTransportTests : PolicyFetcherFixture
{
    [Fact]
    public async Task FetchAsync_CertificateForWrongName_IsWebpkiInvalidHostMismatch()
    {
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { Certificate = CertificateKind.WrongName });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsWebpkiInvalid, result.Failure?.Type);
        Assert.Contains("certificate-host-mismatch", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains(ServerCertificates.WrongName, result.Failure.Reason, StringComparison.Ordinal);
        Assert.Contains(ServerCertificates.WrongName, result.Certificate?.Subject, StringComparison.Ordinal);
        Assert.Equal(0, Https.RequestCount(PolicyHost));
    }

    [Fact]
    public async Task FetchAsync_SelfSignedCertificate_IsWebpkiInvalidNotTrusted()
    {
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { Certificate = CertificateKind.SelfSigned });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsWebpkiInvalid, result.Failure?.Type);
        Assert.Contains("certificate-not-trusted", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(0, Https.RequestCount(PolicyHost));
    }

    [Fact]
    public async Task FetchAsync_ExpiredCertificate_IsWebpkiInvalidExpired()
    {
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { Certificate = CertificateKind.Expired });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsWebpkiInvalid, result.Failure?.Type);
        Assert.Contains("certificate-expired", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.True(result.Certificate?.NotAfter < DateTimeOffset.UtcNow);
        Assert.Equal(0, Https.RequestCount(PolicyHost));
    }

    [Fact]
    public async Task FetchAsync_WildcardCertificate_IsAccepted()
    {
        using var wildcard = Ca.IssueServerCertificate("*.example.test");
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { CustomCertificate = wildcard });

        var result = await FetchAsync();

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Fact]
    public async Task FetchAsync_BadCertificateThenGoodDomain_VerdictsDoNotLeak()
    {
        Dns.AddA("mta-sts.good.test", "127.0.0.1");
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { Certificate = CertificateKind.SelfSigned });
        Https.Serve("mta-sts.good.test", GoodPolicy);
        using var fetcher = CreateFetcher();

        var bad = await fetcher.FetchAsync(Domain, CancellationToken.None);
        var good = await fetcher.FetchAsync("good.test", CancellationToken.None);

        Assert.Equal(FailureType.StsWebpkiInvalid, bad.Failure?.Type);
        Assert.True(good.Succeeded, good.Failure?.ToString());
        Assert.Contains("CN=mta-sts.good.test", good.Certificate?.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_PolicyHostWithoutAddress_IsFetchErrorNamingDns()
    {
        Dns.Remove(PolicyHost);
        Dns.AddTxt(PolicyHost, "not an address"); // the name exists (NODATA for A and AAAA)
        Https.Serve(PolicyHost, GoodPolicy);

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("DNS", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains(PolicyHost, result.Failure.Reason, StringComparison.Ordinal);
        Assert.Equal(0, Https.RequestCount(PolicyHost));
    }

    [Fact]
    public async Task FetchAsync_PolicyHostNxdomain_IsFetchErrorNamingDns()
    {
        Https.Serve("mta-sts.nowhere.test", GoodPolicy);

        var result = await FetchAsync("nowhere.test");

        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("DNS", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains("mta-sts.nowhere.test", result.Failure.Reason, StringComparison.Ordinal);
        Assert.NotEqual(0, Dns.QueryCount("mta-sts.nowhere.test", DnsRecordType.A));
    }

    [Fact]
    public async Task FetchAsync_PolicyHostServfail_IsFetchErrorNamingDns()
    {
        Dns.SetResponseCode(PolicyHost, DnsRcode.ServFail);
        Https.Serve(PolicyHost, GoodPolicy);

        var result = await FetchAsync();

        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("cannot resolve " + PolicyHost, result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(0, Https.RequestCount(PolicyHost));
    }

    [Fact]
    public async Task FetchAsync_NothingListening_IsFetchErrorConnectionRefused()
    {
        // A bound socket that never listens holds the port, so the refusal is certain and no one else takes it.
        using var closedPort = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closedPort.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var fetcher = CreateFetcher(port: ((IPEndPoint)closedPort.LocalEndPoint!).Port);

        var result = await fetcher.FetchAsync(Domain, CancellationToken.None);

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("cannot connect to " + PolicyHost, result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains(nameof(SocketError.ConnectionRefused), result.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_ServerAbortsHandshake_IsFetchErrorNamingTls()
    {
        // No certificate was presented, so none failed PKIX: a broken connection, not sts-webpki-invalid.
        Https.Serve(PolicyHost, PolicyResponse.Ok(GoodPolicy) with { Certificate = CertificateKind.None });

        var result = await FetchAsync();

        Assert.Null(result.Policy);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains("TLS handshake with " + PolicyHost, result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Null(result.Certificate);
        Assert.Equal(0, Https.RequestCount(PolicyHost));
    }
}
