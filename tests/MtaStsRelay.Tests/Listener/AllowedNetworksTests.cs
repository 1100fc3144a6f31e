using System.Net;
using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Listener;

public sealed class AllowedNetworksTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.20.30.40", true)]
    [InlineData("10.20.30.40", true)]
    [InlineData("2001:db8:1::25", true)]
    [InlineData("11.0.0.1", false)]
    [InlineData("::2", false)]
    [InlineData("2001:db9::1", false)]
    [InlineData("::ffff:192.0.2.1", false)]
    public void Contains_Address_MatchesNetworksIncludingIpv4Mapped(string address, bool expected)
    {
        var networks = new AllowedNetworks(["127.0.0.0/8", "::1/128", " 10.0.0.0/8 ", "2001:db8::/32"]);

        Assert.Equal(expected, networks.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Contains_UnknownClient_False()
    {
        Assert.False(new AllowedNetworks(["0.0.0.0/0"]).Contains(null));
    }

    [Theory]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("10.0.0.0", false)]
    [InlineData("::/129", false)]
    [InlineData("example.org/24", false)]
    [InlineData("", false)]
    [InlineData("192.0.2.0/24", true)]
    [InlineData("2001:db8::/32", true)]
    public void TryParse_Cidr_Table(string cidr, bool expected)
    {
        Assert.Equal(expected, AllowedNetworks.TryParse(cidr, out _));
    }
}
