using System.Net;
using System.Text;
using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Listener;

public sealed class ReceivedHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 5, 7, 8, 9, TimeSpan.FromHours(2));

    [Fact]
    public void Format_Ipv4_FoldedPostfixStyleWithUtcDate()
    {
        var header = Encoding.ASCII.GetString(ReceivedHeader.Format("mail.client.example", IPAddress.Parse("192.0.2.7"), "relay.example", "ESMTPS", "01ABCDEFGHJKMNPQ", Now));

        Assert.Equal("Received: from mail.client.example ([192.0.2.7])\r\n\tby relay.example (mtasts-relay) with ESMTPS id 01ABCDEFGHJKMNPQ;\r\n\tThu, 5 Mar 2026 05:08:09 +0000\r\n", header);
    }

    [Fact]
    public void Format_Ipv6AndNoHelo_AddressLiteralAndUnknown()
    {
        var header = Encoding.ASCII.GetString(ReceivedHeader.Format(null, IPAddress.Parse("2001:db8::25"), "relay.example", "ESMTP", "01ABCDEFGHJKMNPQ", Now));

        Assert.StartsWith("Received: from unknown ([IPv6:2001:db8::25])\r\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_HeloWithLineBreakOrNonAscii_CannotInjectHeaders()
    {
        var header = Encoding.ASCII.GetString(ReceivedHeader.Format("evil\r\nX-Injected: yes", IPAddress.Loopback, "relay.example", "ESMTP", "01ABCDEFGHJKMNPQ", Now));

        Assert.Equal(3, header.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("Received: from evil??X-Injected:?yes ([127.0.0.1])", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false, false, "SMTP")]
    [InlineData(true, false, false, "ESMTP")]
    [InlineData(true, true, false, "ESMTPS")]
    [InlineData(true, false, true, "ESMTPA")]
    [InlineData(true, true, true, "ESMTPSA")]
    public void Protocol_Rfc3848Names(bool esmtp, bool secure, bool authenticated, string expected)
    {
        Assert.Equal(expected, ReceivedHeader.Protocol(esmtp, secure, authenticated));
    }
}
