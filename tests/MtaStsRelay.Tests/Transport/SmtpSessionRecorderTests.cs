using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Tests.Transport;

public sealed class SmtpSessionRecorderTests
{
    private readonly SmtpSessionRecorder _recorder = new(NullLogger.Instance, "mx.test.example");

    [Fact]
    public void DescribePhase_BeforeConnect_SaysConnecting() =>
        Assert.Equal("while connecting", _recorder.DescribePhase());

    [Fact]
    public void DescribePhase_ConnectedWithoutBanner_WaitsForGreeting()
    {
        _recorder.LogConnect(new Uri("smtp://mx.test.example:25"));

        Assert.Equal("waiting for greeting", _recorder.DescribePhase());
        Assert.False(_recorder.GreetingReceived);
    }

    [Fact]
    public void DescribePhase_AfterEhlo_WaitsForItsReply()
    {
        Greet();
        Client("EHLO relay.example\r\n");

        Assert.True(_recorder.GreetingReceived);
        Assert.Equal("waiting for reply to EHLO", _recorder.DescribePhase());
    }

    [Theory]
    [InlineData("250-mx.test.example hello\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n", true)]
    [InlineData("250-mx.test.example hello\r\n250 STARTTLS\r\n", true)]
    [InlineData("250-mx.test.example hello\r\n250-PIPELINING\r\n250 8BITMIME\r\n", false)]
    [InlineData("250 STARTTLS is the host name here\r\n", false)]
    public void StartTlsAdvertised_ReadsEhloKeywordsOnly(string ehloReply, bool expected)
    {
        Greet();
        Client("EHLO relay.example\r\n");
        Server(ehloReply);

        Assert.Equal(expected, _recorder.StartTlsAdvertised);
        Assert.Equal("EHLO", _recorder.LastAnswered);
    }

    [Fact]
    public void DescribePhase_AfterStartTls220_IsInTheHandshake()
    {
        Greet();
        Client("STARTTLS\r\n");
        Server("220 2.0.0 ready\r\n");

        Assert.Equal("during the TLS handshake", _recorder.DescribePhase());
    }

    [Fact]
    public void DescribePhase_PipelinedCommands_WaitsForTheFirstUnanswered()
    {
        Greet();
        Client("MAIL FROM:<a@local.example>\r\nRCPT TO:<b@remote.example>\r\nRCPT TO:<c@remote.example>\r\n");
        Server("250 ok\r\n25");

        Assert.Equal("waiting for reply to RCPT", _recorder.DescribePhase());
        Server("0 ok\r\n250 ok\r\n");
        Assert.Equal("between commands", _recorder.DescribePhase());
    }

    [Fact]
    public void DescribePhase_DuringAndAfterData_TracksTheTerminator()
    {
        Greet();
        Client("DATA\r\n");
        Server("354 go ahead\r\n");
        Client("Subject: x\r\n\r\nline one\r\n..leading dot\r\n");

        Assert.Equal("while sending the message data", _recorder.DescribePhase());
        Client("\r\n");
        Client(".\r\n");
        Assert.Equal("waiting for reply to end of data", _recorder.DescribePhase());
        Server("250 2.0.0 queued\r\n");
        Assert.Equal("end of data", _recorder.LastAnswered);
    }

    [Fact]
    public void DescribeAnswered_GreetingRefusal_SaysAtGreeting()
    {
        _recorder.LogConnect(new Uri("smtp://mx.test.example:25"));
        Server("554 5.7.1 go away\r\n");

        Assert.Equal("at greeting", _recorder.DescribeAnswered());
        Assert.False(_recorder.GreetingReceived);
    }

    private void Greet()
    {
        _recorder.LogConnect(new Uri("smtp://mx.test.example:25"));
        Server("220 mx.test.example ESMTP\r\n");
    }

    private void Client(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        _recorder.LogClient(bytes, 0, bytes.Length);
    }

    private void Server(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        _recorder.LogServer(bytes, 0, bytes.Length);
    }
}
