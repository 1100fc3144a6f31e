using System.Buffers;
using System.Text;
using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Listener;

/// <summary>The cap on command lines (<see cref="CommandLineLimitReader"/>), and that DATA is not under it.</summary>
public sealed class ListenerCommandLineTests
{
    private const int Max = CommandLineLimitReader.MaxLineLength;

    [Theory]
    [InlineData(Max - 2, "\r\n", false)]
    [InlineData(Max - 1, "\r\n", true)]
    [InlineData(Max - 2, "\n", false)]
    [InlineData(Max + 10, "\n", true)]
    [InlineData(Max - 1, "", false)]
    [InlineData(Max, "", true)]
    public void StartsWithOverlongLine_FirstLineAgainstTheLimit(int length, string end, bool overlong)
    {
        var bytes = Encoding.ASCII.GetBytes(new string('a', length) + end);

        Assert.Equal(overlong, CommandLineLimitReader.StartsWithOverlongLine(new ReadOnlySequence<byte>(bytes)));
    }

    [Fact]
    public void StartsWithOverlongLine_ShortLineThenLongJunkAcrossSegments_OnlyFirstLineCounts()
    {
        var first = new Segment(Encoding.ASCII.GetBytes("NOOP\r"), 0);
        var last = first.Append(Encoding.ASCII.GetBytes("\n" + new string('a', 2 * Max)));

        Assert.False(CommandLineLimitReader.StartsWithOverlongLine(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length)));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public async Task Command_LineAtAndOverTheLimit_OnlyTheLongerOneRefused(int over, bool refused)
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();
        await raw.HelloAsync();
        var line = "NOOP " + new string('a', Max - 7 + over);

        await raw.WriteOrClosedAsync(line + "\r\nNOOP\r\n");
        var reply = await raw.ReadReplyOrClosedAsync();
        var next = await raw.ReadReplyOrClosedAsync();

        Assert.Equal(Max + over, line.Length + 2);
        if (refused)
        {
            Assert.True(reply is null || reply.StartsWith("500 5.5.2 Line too long", StringComparison.Ordinal), reply);
            Assert.Null(next);
        }
        else
        {
            Assert.DoesNotContain("Line too long", reply, StringComparison.Ordinal);
            Assert.StartsWith("250", next, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Command_OverlongLineAfterStartTls_500AndClosed()
    {
        await using var relay = await ListenerHarness.StartAsync(tls: true);
        using var raw = relay.Raw();
        await raw.HelloAsync();
        await raw.StartTlsAsync(relay.Certificate!);

        await raw.WriteOrClosedAsync("NOOP " + new string('a', 100_000) + "\r\nNOOP\r\n");

        var reply = await raw.ReadReplyOrClosedAsync();
        Assert.True(reply is null || reply.StartsWith("500 5.5.2 Line too long", StringComparison.Ordinal), reply);
        Assert.Null(await raw.ReadReplyOrClosedAsync());
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1123);
    }

    [Fact]
    public async Task Data_TenMegabytesStartingWithALineOverTheLimit_Queued()
    {
        await using var relay = await ListenerHarness.StartAsync();
        using var raw = relay.Raw();
        await raw.HelloAsync();
        Assert.StartsWith("250", await raw.CommandAsync("MAIL FROM:<from@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await raw.CommandAsync("RCPT TO:<to@example.net>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await raw.CommandAsync("DATA"), StringComparison.Ordinal);

        var body = new StringBuilder()
            .Append("X-Long: ").Append('a', 4 * Max).Append("\r\nSubject: big\r\n\r\n");
        var bodyLine = new string('b', 998) + "\r\n";
        while (body.Length < 10 * 1024 * 1024)
        {
            body.Append(bodyLine);
        }

        await raw.WriteAsync(Encoding.ASCII.GetBytes(body.Append(".\r\n").ToString()));

        Assert.StartsWith("250", await raw.ReadReplyAsync(), StringComparison.Ordinal);
        Assert.StartsWith("250", await raw.CommandAsync("NOOP"), StringComparison.Ordinal);
        var envelope = Assert.Single(await relay.QueuedAsync());
        Assert.True(new FileInfo(relay.Spool.MessagePath(envelope.QueueId)).Length > 10 * 1024 * 1024);
        Assert.DoesNotContain(relay.Log.Entries, e => e.Id.Id == 1123);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
