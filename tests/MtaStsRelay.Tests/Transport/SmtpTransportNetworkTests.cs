using System.Net;
using System.Net.Sockets;
using MtaStsRelay.Transport;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Transport;

/// <summary>
/// Servers that misbehave: every case must end as a temporary failure with a reason, never an
/// exception. The timeouts are bounds that keep each test within a few seconds, not timing assertions.
/// </summary>
public sealed class SmtpTransportNetworkTests(TransportTestKit kit) : IClassFixture<TransportTestKit>
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Theory]
    // A reset right after accept may surface in connect() itself (ECONNRESET on completion) or at the
    // first read; either way it is the same broken server, so the test accepts both. The command
    // timeout is short only where the server is meant to stay silent at the step that times out; where
    // it must first answer (greeting, garbage, reset), it is long enough for a loaded machine.
    [InlineData(BrokenSmtpBehavior.ResetOnConnect, 30, "^connection (reset|closed by the server)( waiting for greeting)?$")]
    [InlineData(BrokenSmtpBehavior.SilentAfterConnect, 1, "^timeout after 1s waiting for greeting$")]
    [InlineData(BrokenSmtpBehavior.StallAfterGreeting, 3, "^timeout after 3s waiting for reply to EHLO$")]
    [InlineData(BrokenSmtpBehavior.GarbageGreeting, 30, "^SMTP protocol error waiting for greeting: .+")]
    [InlineData(BrokenSmtpBehavior.GarbageEhloReply, 30, "^SMTP protocol error waiting for reply to EHLO: .+")]
    public async Task SendAsync_BrokenServer_TemporaryFailureWithReason(BrokenSmtpBehavior behavior, int commandSeconds, string expectedReason)
    {
        await using var broken = await BrokenSmtpServer.StartAsync(behavior);

        var result = await kit.Transport(TransportTestKit.Options(commandSeconds: commandSeconds)).SendAsync(
            kit.Request("mx.remote.example", broken.EndPoint, TlsRequirement.Opportunistic), _timeout);

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        Assert.Matches(expectedReason, result.ErrorReason);
        Assert.True(result.Connected || behavior == BrokenSmtpBehavior.ResetOnConnect, result.ErrorReason);
        Assert.Null(result.Failure);
        Assert.All(result.Recipients, r => Assert.Equal((RecipientOutcome.TemporaryFailure, 0), (r.Outcome, r.Code)));
    }

    [Fact]
    public async Task SendAsync_StallLongerThanTheAttempt_CutByTheSessionDeadline()
    {
        await using var broken = await BrokenSmtpServer.StartAsync(BrokenSmtpBehavior.StallAfterGreeting);

        var result = await kit.Transport(TransportTestKit.Options(commandSeconds: 60, attemptSeconds: 3)).SendAsync(
            kit.Request("mx.remote.example", broken.EndPoint, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        Assert.Equal("timeout after 3s for the whole session, waiting for reply to EHLO", result.ErrorReason);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_TemporaryNotConnected()
    {
        using var closed = new ClosedPort();

        var result = await kit.Transport().SendAsync(kit.Request("mx.remote.example", closed.EndPoint, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        Assert.False(result.Connected);
        Assert.Equal("connection refused", result.ErrorReason);
        Assert.Null(result.Failure);
    }

    [Fact]
    public async Task SendAsync_IPv6Loopback_Sent()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return; // nothing to prove on a host without IPv6
        }

        await using var mx = await TestMxServer.StartAsync(
            new TestMxServerOptions { MxName = "mx.remote.example", Address = IPAddress.IPv6Loopback }, kit.Authority);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal(IPAddress.IPv6Loopback, Assert.Single(mx.Messages).RemoteEndPoint?.Address);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_Throws()
    {
        await using var broken = await BrokenSmtpServer.StartAsync(BrokenSmtpBehavior.SilentAfterConnect);
        using var caller = new CancellationTokenSource();
        var send = kit.Transport().SendAsync(kit.Request("mx.remote.example", broken.EndPoint, TlsRequirement.Verified), caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }
}
