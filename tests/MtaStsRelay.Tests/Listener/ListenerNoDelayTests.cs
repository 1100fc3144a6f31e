using System.Net;
using System.Net.Sockets;
using MtaStsRelay.Listener;
using SmtpServer;
using SmtpServer.Net;

namespace MtaStsRelay.Tests.Listener;

public sealed class ListenerNoDelayTests
{
    [Fact]
    public void TryApply_SmtpServerListener_SetsNoDelayOnListeningSocket()
    {
        // Fails when an SmtpServer upgrade moves the private TcpListener the relay reaches for.
        var endpoint = new EndpointDefinitionBuilder().Endpoint(new IPEndPoint(IPAddress.Loopback, 0)).Build();
        using var listener = new EndpointListenerFactory().CreateListener(endpoint);

        Assert.True(ListenerNoDelay.TryApply(listener));
        Assert.True(ListeningSocket(listener).NoDelay);
    }

    [Fact]
    public async Task AcceptedSocket_ListeningSocketHasNoDelay_InheritsIt()
    {
        // The assumption TryApply rests on: the OS copies TCP_NODELAY to accepted sockets.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Server.NoDelay = true;
        listener.Start();
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
            using var accepted = await listener.AcceptSocketAsync();

            Assert.True(accepted.NoDelay);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void TryApply_OtherListener_ReturnsFalse()
    {
        Assert.False(ListenerNoDelay.TryApply(new OtherListener()));
    }

    private static Socket ListeningSocket(IEndpointListener listener) =>
        ((TcpListener)typeof(EndpointListener)
            .GetField("_tcpListener", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(listener)!).Server;

    private sealed class OtherListener : IEndpointListener
    {
        public Task<SmtpServer.IO.ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
