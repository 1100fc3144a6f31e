using MailKit.Net.Smtp;
using MtaSts.Failures;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Tests.Transport;

public sealed class AttemptStateTests
{
    private static readonly string[] TwoRecipients = ["ok@remote.example", "other@remote.example"];

    [Fact]
    public void ToResult_AllRcptAcceptedAndDataAccepted_IsSent()
    {
        var attempt = new AttemptState(TwoRecipients);
        attempt.RecordRecipientReplies(_ => Reply(250, "2.1.5 ok"));
        attempt.ApplyTransactionReply(250, "2.0.0 queued as X");

        var result = attempt.ToResult(TimeSpan.Zero);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal("250 2.0.0 queued as X", result.RemoteReply);
        Assert.All(result.Recipients, r => Assert.Equal((RecipientOutcome.Accepted, 250), (r.Outcome, r.Code)));
    }

    [Theory]
    [InlineData(550, 250, TransportOutcome.PartiallySent, RecipientOutcome.PermanentFailure)]
    [InlineData(450, 250, TransportOutcome.PartiallySent, RecipientOutcome.TemporaryFailure)]
    [InlineData(550, 554, TransportOutcome.PermanentFailure, RecipientOutcome.PermanentFailure)]
    [InlineData(450, 554, TransportOutcome.TemporaryFailure, RecipientOutcome.TemporaryFailure)]
    [InlineData(550, 451, TransportOutcome.TemporaryFailure, RecipientOutcome.PermanentFailure)]
    public void ToResult_SecondRcptRefused_ClassifiesEachRecipient(
        int secondRcpt, int dataReply, TransportOutcome expected, RecipientOutcome expectedSecond)
    {
        var attempt = new AttemptState(TwoRecipients);
        attempt.RecordRecipientReplies(i => i == 0 ? Reply(250, "ok") : Reply(secondRcpt, "no"));
        attempt.ApplyTransactionReply(dataReply, "data reply");

        var result = attempt.ToResult(TimeSpan.Zero);

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(dataReply, result.Recipients[0].Code);
        Assert.Equal((expectedSecond, secondRcpt, "no"), (result.Recipients[1].Outcome, result.Recipients[1].Code, result.Recipients[1].Reply));
    }

    [Theory]
    [InlineData(550, TransportOutcome.PermanentFailure)]
    [InlineData(451, TransportOutcome.TemporaryFailure)]
    public void ToResult_MailFromRefused_DecidesEveryRecipient(int code, TransportOutcome expected)
    {
        var attempt = new AttemptState(TwoRecipients);
        attempt.ApplyTransactionReply(code, "sender refused");

        var result = attempt.ToResult(TimeSpan.Zero);

        Assert.Equal(expected, result.Outcome);
        Assert.All(result.Recipients, r => Assert.Equal(code, r.Code));
    }

    [Fact]
    public void ToResult_SessionFailedBeforeAnyReply_IsTemporaryWithTheReason()
    {
        var attempt = new AttemptState(TwoRecipients);
        var failure = new StsFailure(FailureType.StartTlsNotSupported, "mx did not offer STARTTLS");
        attempt.FailSession(failure.ToString(), failure);

        var result = attempt.ToResult(TimeSpan.FromSeconds(3));

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        Assert.Equal(FailureType.StartTlsNotSupported, result.Failure?.Type);
        Assert.All(result.Recipients, r => Assert.Equal((RecipientOutcome.TemporaryFailure, 0, failure.ToString()), (r.Outcome, r.Code, r.Reply)));
        Assert.Equal(TimeSpan.FromSeconds(3), result.Duration);
    }

    [Fact]
    public void ToResult_RcptAcceptedThenConnectionLost_IsTemporaryNotDelivered()
    {
        var attempt = new AttemptState(TwoRecipients);
        attempt.RecordRecipientReplies(i => i == 0 ? Reply(250, "ok") : Reply(550, "no such user"));
        attempt.FailSession("connection closed by the server waiting for reply to end of data");

        var result = attempt.ToResult(TimeSpan.Zero);

        Assert.Equal(TransportOutcome.TemporaryFailure, result.Outcome);
        Assert.Equal(RecipientOutcome.TemporaryFailure, result.Recipients[0].Outcome);
        Assert.Contains("RCPT accepted (250 ok), then connection closed", result.Recipients[0].Reply, StringComparison.Ordinal);
        Assert.Equal(RecipientOutcome.PermanentFailure, result.Recipients[1].Outcome);
    }

    [Fact]
    public void ToResult_MultiLineReply_IsOneLine()
    {
        var attempt = new AttemptState(["a@remote.example"]);
        attempt.RecordRecipientReplies(_ => Reply(550, "5.1.1 no such user\nsee https://help.example"));
        attempt.ApplyTransactionReply(554, "5.5.1 no valid recipients");

        Assert.Equal("5.1.1 no such user see https://help.example", attempt.ToResult(TimeSpan.Zero).Recipients[0].Reply);
    }

    private static SmtpResponse Reply(int code, string text) => new((SmtpStatusCode)code, text);
}
