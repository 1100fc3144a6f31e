using System.Text;
using Microsoft.Extensions.Time.Testing;
using MtaStsRelay.Transport;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Transport;

/// <summary>Envelope, per-recipient replies and the bytes on the wire.</summary>
public sealed class SmtpTransportReplyTests(TransportTestKit kit) : IClassFixture<TransportTestKit>
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Fact]
    public async Task SendAsync_OneOfTwoRecipientsRefused_PartiallySentWithPerRecipientOutcomes()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        mx.SetRecipientReply("nobody@remote.example", RecipientReply.RejectPermanently);

        var result = await kit.Transport().SendAsync(
            kit.Request(mx, TlsRequirement.Verified, "bob@remote.example", "nobody@remote.example"), _timeout);

        Assert.Equal(TransportOutcome.PartiallySent, result.Outcome);
        Assert.Equal(("bob@remote.example", RecipientOutcome.Accepted, 250), (result.Recipients[0].Address, result.Recipients[0].Outcome, result.Recipients[0].Code));
        Assert.Equal(("nobody@remote.example", RecipientOutcome.PermanentFailure, 550), (result.Recipients[1].Address, result.Recipients[1].Outcome, result.Recipients[1].Code));
        Assert.StartsWith("5.1.1", result.Recipients[1].Reply, StringComparison.Ordinal);
        Assert.Equal(["bob@remote.example"], Assert.Single(mx.Messages).Recipients);
    }

    [Fact]
    public async Task SendAsync_RecipientGets450_TemporaryFailure()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        mx.SetRecipientReply("bob@remote.example", RecipientReply.RejectTemporarily);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        var recipient = Assert.Single(result.Recipients);
        Assert.Equal((RecipientOutcome.TemporaryFailure, 450), (recipient.Outcome, recipient.Code));
        Assert.StartsWith("450 4.2.0", result.RemoteReply, StringComparison.Ordinal);
        Assert.Empty(mx.Messages);
    }

    [Fact]
    public async Task SendAsync_AllRecipientsRefused_PermanentFailure()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        mx.SetRecipientReply("*", RecipientReply.RejectPermanently);

        var result = await kit.Transport().SendAsync(
            kit.Request(mx, TlsRequirement.Verified, "a@remote.example", "b@remote.example"), _timeout);

        Assert.Equal(TransportOutcome.PermanentFailure, result.Outcome);
        Assert.All(result.Recipients, r => Assert.Equal(550, r.Code));
        Assert.Equal(0, mx.DataAttempts);
    }

    [Theory]
    [InlineData(550, "5.7.1 sender refused", TransportOutcome.PermanentFailure)]
    [InlineData(451, "4.7.1 greylisted", TransportOutcome.TemporaryFailure)]
    public async Task SendAsync_MailFromRefused_DecidesEveryRecipientByItsClass(int code, string text, TransportOutcome expected)
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        mx.MailFromReply = new SmtpReply(code, text);

        var result = await kit.Transport().SendAsync(
            kit.Request(mx, TlsRequirement.Verified, "a@remote.example", "b@remote.example"), _timeout);

        Assert.Equal(expected, result.Outcome);
        Assert.All(result.Recipients, r => Assert.Equal(code, r.Code));
        Assert.StartsWith($"{code} {text}", result.RemoteReply, StringComparison.Ordinal);
        Assert.Empty(mx.Messages);
    }

    [Theory]
    [InlineData(451, TransportOutcome.TemporaryFailure, RecipientOutcome.TemporaryFailure)]
    [InlineData(554, TransportOutcome.PermanentFailure, RecipientOutcome.PermanentFailure)]
    public async Task SendAsync_DataRefused_DecidesTheAcceptedRecipients(int code, TransportOutcome expected, RecipientOutcome expectedRecipient)
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        mx.DataReply = code == 451 ? SmtpReply.LocalError : SmtpReply.TransactionFailed;

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Verified), _timeout);

        Assert.Equal(expected, result.Outcome);
        Assert.Equal((expectedRecipient, code), (result.Recipients[0].Outcome, result.Recipients[0].Code));
        Assert.Equal(1, mx.DataAttempts);
    }

    [Fact]
    public async Task SendAsync_ServerThinksLongerThanACommandBeforeTheFinalReply_WaitsUpToTheDataTimeout()
    {
        // A content scanner answering after the command timeout: giving up here would send the
        // message again at the retry (RFC 5321 §4.5.3.2.6 allows 10 minutes for this reply).
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        mx.DataReplyDelay = TimeSpan.FromSeconds(1.5);
        var options = TransportTestKit.Options(commandSeconds: 1);
        options.DataTimeout = TimeSpan.FromSeconds(60);

        var result = await kit.Transport(options).SendAsync(kit.Request(mx, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Single(mx.Messages);
    }

    [Fact]
    public async Task SendAsync_QueuedBytes_ArriveUnchanged()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        var queued = Encoding.UTF8.GetBytes(
            "Received: from client.local.example\r\n\tby relay.local.example; Sun, 29 Nov 2026 10:00:00 +0000\r\n" +
            "From: Jörg <alice@local.example>\r\n" +
            "To: bob@remote.example\r\n" +
            "Bcc: hidden@remote.example\r\n" +
            "Subject: Grüße =?utf-8?q?unchanged?=\r\n" +
            "X-Odd:nospace\r\n" +
            "DKIM-Signature: v=1; a=rsa-sha256; d=local.example; s=s1;\r\n  b=abc\r\n" +
            "\r\n" +
            new string('x', 1200) + "\r\n" +
            ".a line starting with a dot\r\n" +
            ".\r\n" +
            "8-bit body: Käse\r\n");
        var request = kit.Request(mx, TlsRequirement.Verified) with { MessagePath = kit.Queue(queued) };

        var result = await kit.Transport().SendAsync(request, _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal(queued, Assert.Single(mx.Messages).DataWithFinalCrLf);
    }

    [Fact]
    public async Task SendAsync_BareLineFeedsQueued_GoOutAsCrLf()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        var request = kit.Request(mx, TlsRequirement.Verified) with
        {
            MessagePath = kit.Queue("From: alice@local.example\nSubject: lf only\n\nline one\n.dot line\nlast\n"),
        };

        var result = await kit.Transport().SendAsync(request, _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal("From: alice@local.example\r\nSubject: lf only\r\n\r\nline one\r\n.dot line\r\nlast\r\n",
            Encoding.UTF8.GetString(Assert.Single(mx.Messages).DataWithFinalCrLf));
    }

    [Fact]
    public async Task SendAsync_NullSender_SendsMailFromEmpty()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);

        var result = await kit.Transport().SendAsync(kit.Request(mx, TlsRequirement.Verified) with { Sender = "" }, _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal("", Assert.Single(mx.Messages).Sender);
    }

    [Fact]
    public async Task SendAsync_DuplicateRecipients_OneRcptAndAResultForEach()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);

        var result = await kit.Transport().SendAsync(
            kit.Request(mx, TlsRequirement.Verified, "bob@remote.example", "BOB@remote.example"), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal(2, result.Recipients.Count);
        Assert.Equal(1, mx.RecipientAttempts("bob@remote.example"));
    }

    [Fact]
    public async Task SendAsync_QueuedFileMissing_TemporaryWithoutConnecting()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        var request = kit.Request(mx, TlsRequirement.Verified) with { MessagePath = kit.Queue("x") + ".gone" };

        var result = await kit.Transport().SendAsync(request, _timeout);

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        Assert.False(result.Connected);
        Assert.StartsWith("cannot read the queued message", result.ErrorReason, StringComparison.Ordinal);
        Assert.Equal(0, mx.SessionCount);
    }

    [Fact]
    public async Task SendAsync_Duration_ComesFromTheTimeProvider()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        var frozen = new FakeTimeProvider(DateTimeOffset.UtcNow);

        var result = await kit.Transport(time: frozen).SendAsync(kit.Request(mx, TlsRequirement.Verified), _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal(TimeSpan.Zero, result.Duration);
    }
}
