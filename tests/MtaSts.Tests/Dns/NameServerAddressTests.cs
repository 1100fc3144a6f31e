using System.Net;
using MtaSts.Dns;

namespace MtaSts.Tests.Dns;

public class NameServerAddressTests
{
    [Theory]
    [InlineData("192.0.2.53", "192.0.2.53", 53)]
    [InlineData(" 192.0.2.53 ", "192.0.2.53", 53)]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("[2001:db8::53]:5353", "2001:db8::53", 5353)]
    [InlineData("[::1]:53", "::1", 53)]
    [InlineData("2001:db8::53", "2001:db8::53", 53)]
    [InlineData("::1", "::1", 53)]
    [InlineData("[2001:db8::53]", "2001:db8::53", 53)]
    public void TryParse_IpWithOptionalPort_ReturnsEndPoint(string value, string address, int port)
    {
        Assert.True(NameServerAddress.TryParse(value, out var endPoint, out var error), error);

        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endPoint);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("dns.example.test")]
    [InlineData("dns.example.test:53")]
    [InlineData("garbage")]
    [InlineData("127.0.0.1:0")]
    [InlineData("[::1]:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1:port")]
    [InlineData("5353")]
    [InlineData("127.1")]
    [InlineData("127.1:53")]
    [InlineData("1.2.3.4.5")]
    [InlineData("[192.0.2.53]:53")]
    [InlineData("[192.0.2.53]")]
    [InlineData("010.0.0.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("[::1")]
    [InlineData("::1]:53")]
    public void TryParse_NotAnIpLiteral_FailsNamingTheValue(string value)
    {
        Assert.False(NameServerAddress.TryParse(value, out var endPoint, out var error));

        Assert.Null(endPoint);
        Assert.Contains($"'{value}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void TryParse_Empty_FailsAsEmpty(string? value)
    {
        Assert.False(NameServerAddress.TryParse(value, out var endPoint, out var error));

        Assert.Null(endPoint);
        Assert.Equal("is empty", error);
    }
}
