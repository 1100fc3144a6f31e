using System.Security.Authentication;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SimulatedInternet;

namespace MtaStsRelay.Tests.SimulatedInternet;

public sealed class TestMxServerTests : IDisposable
{
    private const string MxName = "mx1.example.test";
    private readonly TestCertificateAuthority _ca = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        _timeout.Dispose();
        _ca.Dispose();
    }

    [Fact]
    public async Task StartTls_TrustedCa_RecordsMessageEnvelopeAndTlsProtocol()
    {
        await using var mx = await StartAsync(CertificateKind.Valid);
        var message = MxTestClient.Message("sender@relay.test", "rcpt@example.test");
        using (var client = await ConnectAsync(mx, SecureSocketOptions.StartTls))
        {
            await client.SendAsync(message, MailboxAddress.Parse("sender@relay.test"), [MailboxAddress.Parse("rcpt@example.test")], _timeout.Token);
            await client.DisconnectAsync(true, _timeout.Token);
        }

        var received = Assert.Single(await mx.WaitForMessagesAsync(1, _timeout.Token));

        Assert.True(received.IsSecure);
        Assert.Equal(SslProtocols.Tls13, received.SslProtocol);
        Assert.Equal("sender@relay.test", received.Sender);
        Assert.Equal(["rcpt@example.test"], received.Recipients);
        Assert.Equal("relay.test", received.HeloName);
        Assert.Equal(1, mx.SessionCount);
        // SmtpServer drops the CRLF before the final "."; DataWithFinalCrLf is what MailKit sent.
        Assert.False(received.Text.EndsWith("\r\n", StringComparison.Ordinal));
        Assert.Equal(Serialize(message), received.DataWithFinalCrLf);
    }

    [Fact]
    public async Task NoCertificate_DoesNotAdvertiseStartTls()
    {
        await using var mx = await StartAsync(CertificateKind.None);

        using var client = await ConnectAsync(mx, SecureSocketOptions.None);

        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        await MxTestClient.SendAsync(client, "sender@relay.test", ["rcpt@example.test"], _timeout.Token);
        var received = Assert.Single(await mx.WaitForMessagesAsync(1, _timeout.Token));
        Assert.False(received.IsSecure);
        Assert.Equal(SslProtocols.None, received.SslProtocol);
    }

    [Fact]
    public async Task NoCertificate_StartTlsRequired_ClientRefuses()
    {
        await using var mx = await StartAsync(CertificateKind.None);

        await Assert.ThrowsAsync<NotSupportedException>(() => ConnectAsync(mx, SecureSocketOptions.StartTls));
    }

    [Theory]
    [InlineData(CertificateKind.WrongName)]
    [InlineData(CertificateKind.SelfSigned)]
    [InlineData(CertificateKind.Expired)]
    public async Task StartTls_BadCertificate_FailsValidation(CertificateKind kind)
    {
        await using var mx = await StartAsync(kind);

        await Assert.ThrowsAsync<SslHandshakeException>(() => ConnectAsync(mx, SecureSocketOptions.StartTls));
        Assert.Empty(mx.Messages);
    }

    [Fact]
    public async Task SetRecipientReply_RejectPermanently_Gives550ForThatRecipientOnly()
    {
        await using var mx = await StartAsync(CertificateKind.Valid);
        mx.SetRecipientReply("bad@example.test", RecipientReply.RejectPermanently);
        using var client = await ConnectAsync(mx, SecureSocketOptions.StartTls);

        var rejected = await Assert.ThrowsAsync<SmtpCommandException>(
            () => MxTestClient.SendAsync(client, "sender@relay.test", ["bad@example.test"], _timeout.Token));
        await MxTestClient.SendAsync(client, "sender@relay.test", ["good@example.test"], _timeout.Token);

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, rejected.ErrorCode);
        Assert.Equal(SmtpStatusCode.MailboxUnavailable, rejected.StatusCode);
        Assert.StartsWith("5.1.1", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(1, mx.RecipientAttempts("bad@example.test"));
        Assert.Equal(["good@example.test"], Assert.Single(mx.Messages).Recipients);
    }

    [Fact]
    public async Task SetRecipientReply_TemporaryThenAccept_Gives450ThenAccepts()
    {
        await using var mx = await StartAsync(CertificateKind.Valid);
        mx.SetRecipientReply("later@example.test", RecipientReply.TemporaryThenAccept(2));
        using var client = await ConnectAsync(mx, SecureSocketOptions.StartTls);

        var codes = new List<SmtpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await MxTestClient.SendAsync(client, "sender@relay.test", ["later@example.test"], _timeout.Token);
                codes.Add(SmtpStatusCode.Ok);
            }
            catch (SmtpCommandException e)
            {
                codes.Add(e.StatusCode);
            }
        }

        Assert.Equal([SmtpStatusCode.MailboxBusy, SmtpStatusCode.MailboxBusy, SmtpStatusCode.Ok], codes);
        Assert.Single(mx.Messages);
    }

    [Theory]
    [InlineData(451)]
    [InlineData(554)]
    public async Task DataReply_Set_RejectsMessageAfterData(int code)
    {
        await using var mx = await StartAsync(CertificateKind.Valid);
        mx.DataReply = code == 451 ? SmtpReply.LocalError : SmtpReply.TransactionFailed;
        using var client = await ConnectAsync(mx, SecureSocketOptions.StartTls);

        var rejected = await Assert.ThrowsAsync<SmtpCommandException>(
            () => MxTestClient.SendAsync(client, "sender@relay.test", ["rcpt@example.test"], _timeout.Token));

        Assert.Equal(SmtpErrorCode.MessageNotAccepted, rejected.ErrorCode);
        Assert.Equal(code, (int)rejected.StatusCode);
        Assert.Equal(1, mx.DataAttempts);
        Assert.Empty(mx.Messages);
    }

    [Fact]
    public async Task WaitForMessagesAsync_CountNotReached_IsCancelledByToken()
    {
        await using var mx = await StartAsync(CertificateKind.Valid);
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mx.WaitForMessagesAsync(1, soon.Token));
    }

    [Fact]
    public async Task StartAsync_SecondLoopbackAddress_SharesPortNumber()
    {
        await using var first = await StartAsync(CertificateKind.Valid);
        var otherAddress = LoopbackAddresses.Next();

        await using var second = await TestMxServer.StartAsync(
            new TestMxServerOptions { MxName = "mx2.example.test", Address = otherAddress, Port = first.Port }, _ca, _timeout.Token);
        using var client = await MxTestClient.ConnectAsync(second.EndPoint, "mx2.example.test", _ca.RootCertificate, SecureSocketOptions.StartTls, _timeout.Token);

        Assert.Equal(first.Port, second.Port);
        Assert.Equal(otherAddress, second.Address);
        Assert.True(client.IsSecure);
    }

    [Fact]
    public async Task StartAsync_PortTakenOnSameAddress_Throws()
    {
        await using var first = await StartAsync(CertificateKind.None);

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => TestMxServer.StartAsync(
            new TestMxServerOptions { Certificate = CertificateKind.None, Address = first.Address, Port = first.Port }, null, _timeout.Token));
    }

    private Task<TestMxServer> StartAsync(CertificateKind kind) =>
        TestMxServer.StartAsync(new TestMxServerOptions { MxName = MxName, Certificate = kind }, _ca, _timeout.Token);

    private Task<SmtpClient> ConnectAsync(TestMxServer mx, SecureSocketOptions security) =>
        MxTestClient.ConnectAsync(mx.EndPoint, mx.MxName, _ca.RootCertificate, security, _timeout.Token);

    private static byte[] Serialize(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }
}
