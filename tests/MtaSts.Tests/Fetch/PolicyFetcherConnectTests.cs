using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using MtaSts.Dns;
using MtaSts.Failures;
using MtaSts.Fetch;
using MtaSts.Tls;

namespace MtaSts.Tests.Fetch;

/// <summary>
/// A policy host with several addresses where some silently drop SYNs. Loopback cannot drop SYNs
/// deterministically, so the TCP connect step is replaced: black-holed addresses wait until cancelled,
/// the others connect for real to the HTTPS host. Time is fake, so "never answers" costs nothing.
/// </summary>
public sealed class PolicyFetcherConnectTests : PolicyFetcherFixture, IDisposable
{
    private static readonly IPAddress BlackHole = IPAddress.Parse("127.0.0.66");
    private static readonly IPAddress BlackHole2 = IPAddress.Parse("127.0.0.67");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.Zero));
    private readonly Channel<(IPAddress Address, CancellationToken Token)> _attempts = Channel.CreateUnbounded<(IPAddress, CancellationToken)>();

    // Cancelled at the end of each test: a fetch left waiting on a black hole (the bug) must not outlive it.
    private readonly CancellationTokenSource _stop = new();

    [Fact]
    public async Task FetchAsync_FirstAddressDropsSyns_SecondAddressServesThePolicy()
    {
        ServePolicyAt(BlackHole, IPAddress.Loopback);
        using var fetcher = CreateFakeTimeFetcher(TimeSpan.FromSeconds(20));

        var fetch = fetcher.FetchAsync(Domain, _stop.Token);
        var first = await _attempts.Reader.ReadAsync();
        _time.Advance(PolicyHostConnector.MaxAttemptTime); // 20 s / 2 addresses = 10 s, capped at 5 s

        Assert.Equal(BlackHole, first.Address);
        Assert.True(first.Token.IsCancellationRequested, "the silent address kept the connect step beyond its share");
        var result = await fetch;
        var second = await _attempts.Reader.ReadAsync();
        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(IPAddress.Loopback, second.Address);
        Assert.Equal(1, Https.RequestCount(PolicyHost));
    }

    [Fact]
    public async Task FetchAsync_EveryAddressDropsSyns_FailsTimedOutWithinTheFetchTimeout()
    {
        ServePolicyAt(BlackHole, BlackHole2);
        using var fetcher = CreateFakeTimeFetcher(TimeSpan.FromSeconds(20));

        var fetch = fetcher.FetchAsync(Domain, _stop.Token);
        var first = await _attempts.Reader.ReadAsync();
        _time.Advance(PolicyHostConnector.MaxAttemptTime);
        Assert.True(first.Token.IsCancellationRequested, "the first silent address kept the connect step beyond its share");
        var second = await _attempts.Reader.ReadAsync();
        _time.Advance(PolicyHostConnector.MaxAttemptTime); // 15 s left for 1 address, capped at 5 s
        Assert.True(second.Token.IsCancellationRequested, "the second silent address kept the connect step beyond its share");
        var result = await fetch;

        Assert.Equal(BlackHole2, second.Address);
        Assert.Equal(FailureType.StsPolicyFetchError, result.Failure?.Type);
        Assert.Contains($"cannot connect to {PolicyHost}: {nameof(SocketError.TimedOut)}", result.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(0, Https.RequestCount(PolicyHost));
    }

    [Fact]
    public async Task FetchAsync_ShortFetchTimeout_EachAddressGetsAnEqualShareOfIt()
    {
        ServePolicyAt(BlackHole, IPAddress.Loopback);
        using var fetcher = CreateFakeTimeFetcher(TimeSpan.FromSeconds(4));

        var fetch = fetcher.FetchAsync(Domain, _stop.Token);
        var first = await _attempts.Reader.ReadAsync();
        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.False(first.Token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromTicks(1)); // 4 s / 2 addresses
        Assert.True(first.Token.IsCancellationRequested, "the silent address kept the connect step beyond its share");
        var result = await fetch;

        Assert.True(result.Succeeded, result.Failure?.ToString());
    }

    [Theory]
    [InlineData("192.0.2.1 192.0.2.2 2001:db8::1 2001:db8::2", "192.0.2.1 2001:db8::1 192.0.2.2 2001:db8::2")]
    [InlineData("192.0.2.1 192.0.2.2 192.0.2.3 2001:db8::1", "192.0.2.1 2001:db8::1 192.0.2.2 192.0.2.3")]
    [InlineData("2001:db8::1 2001:db8::2", "2001:db8::1 2001:db8::2")]
    [InlineData("192.0.2.1", "192.0.2.1")]
    public void InterleaveFamilies_MixedAddresses_AlternatesStartingWithIpv4(string resolved, string expected)
    {
        var addresses = resolved.Split(' ').Select(IPAddress.Parse).ToList();

        var ordered = PolicyHostConnector.InterleaveFamilies(addresses);

        Assert.Equal(expected, string.Join(' ', ordered));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    /// <summary>The policy host resolves to <paramref name="addresses"/>, in that order, and serves a good policy.</summary>
    private void ServePolicyAt(params IPAddress[] addresses)
    {
        Dns.Remove(PolicyHost);
        foreach (var address in addresses)
        {
            Dns.AddA(PolicyHost, address);
        }

        Https.Serve(PolicyHost, GoodPolicy);
    }

    private PolicyFetcher CreateFakeTimeFetcher(TimeSpan fetchTimeout)
    {
        var options = new MtaStsOptions { PolicyPort = Https.Port, FetchTimeout = fetchTimeout };
        var resolver = new HostAddressResolver(DnsResolverFactory.Create([Dns.Address], TimeSpan.FromSeconds(10)));
        return new PolicyFetcher(resolver, new CertificateValidator([Ca.RootCertificate]), options, _time, ConnectAsync);
    }

    /// <summary>The replaced connect step: black holes never answer (until cancelled); other addresses connect for real.</summary>
    private async Task<Socket> ConnectAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        await _attempts.Writer.WriteAsync((address, cancellationToken), cancellationToken);
        if (address.Equals(BlackHole) || address.Equals(BlackHole2))
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        return await PolicyHostConnector.ConnectSocketAsync(address, port, cancellationToken);
    }
}
