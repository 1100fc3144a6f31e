using MtaSts.Dns;

namespace MtaSts.Tests.Dns;

public sealed class DnsNameLimitsTests
{
    [Theory]
    [InlineData(253, null)]
    [InlineData(254, "254 characters long")]
    [InlineData(260, "260 characters long")]
    public void WhyCannotExist_NameLength_RefusedOver253(int length, string? expected)
    {
        var name = string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', length - 192));
        Assert.Equal(length, name.Length);

        var reason = DnsNameLimits.WhyCannotExist(name);

        if (expected is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(expected, reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("mx.example.test", null)]
    [InlineData("mx.example.test.", null)]
    [InlineData("_mta-sts.example.test", null)]
    [InlineData("a..example.test", "empty label")]
    public void WhyCannotExist_Labels_RefusesEmptyLabels(string name, string? expected)
    {
        var reason = DnsNameLimits.WhyCannotExist(name);

        Assert.True(expected is null ? reason is null : reason?.Contains(expected, StringComparison.Ordinal) == true, reason);
    }

    [Fact]
    public void WhyCannotExist_LabelOf64_Refused() =>
        Assert.Contains("label of 64 characters", DnsNameLimits.WhyCannotExist(new string('a', 64) + ".test"), StringComparison.Ordinal);
}
