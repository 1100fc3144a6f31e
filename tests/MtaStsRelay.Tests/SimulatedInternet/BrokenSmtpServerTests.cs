using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using SimulatedInternet;

namespace MtaStsRelay.Tests.SimulatedInternet;

public sealed class BrokenSmtpServerTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new();

    public void Dispose() => _ca.Dispose();

    [Theory]
    [InlineData(BrokenSmtpBehavior.ResetOnConnect)]
    [InlineData(BrokenSmtpBehavior.GarbageGreeting)]
    [InlineData(BrokenSmtpBehavior.GarbageEhloReply)]
    public async Task Connect_ProtocolBreakingBehavior_FailsWithoutHanging(BrokenSmtpBehavior behavior)
    {
        await using var server = await BrokenSmtpServer.StartAsync(behavior);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Record.ExceptionAsync(() => ConnectAsync(server, bound.Token));

        Assert.True(error is SmtpProtocolException or IOException or SocketException, error?.ToString() ?? "connected");
        Assert.False(bound.IsCancellationRequested);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Theory]
    [InlineData(BrokenSmtpBehavior.SilentAfterConnect)]
    [InlineData(BrokenSmtpBehavior.StallAfterGreeting)]
    public async Task Connect_StallingBehavior_NeverCompletes(BrokenSmtpBehavior behavior)
    {
        await using var server = await BrokenSmtpServer.StartAsync(behavior);
        using var shortly = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ConnectAsync(server, shortly.Token));

        // The server counts on its own accept loop, which a loaded machine may run after the cancel.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (server.ConnectionCount == 0)
        {
            await Task.Delay(10, bound.Token);
        }

        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task DisposeAsync_WithStalledClientConnected_Completes()
    {
        var server = await BrokenSmtpServer.StartAsync(BrokenSmtpBehavior.StallAfterGreeting);
        using var client = new TcpClient();
        await client.ConnectAsync(server.EndPoint);
        var greeting = new byte[64];
        var read = await client.GetStream().ReadAsync(greeting);

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("220 ", System.Text.Encoding.ASCII.GetString(greeting, 0, read), StringComparison.Ordinal);
        Assert.Equal(0, await client.GetStream().ReadAsync(greeting)); // the server closed the connection
    }

    private async Task ConnectAsync(BrokenSmtpServer server, CancellationToken cancellationToken)
    {
        using var client = await MxTestClient.ConnectAsync(server.EndPoint, server.GreetingName, _ca.RootCertificate, SecureSocketOptions.None, cancellationToken);
    }
}
