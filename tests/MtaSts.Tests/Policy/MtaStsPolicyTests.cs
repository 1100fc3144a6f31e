using MtaSts.Policy;

namespace MtaSts.Tests.Policy;

public class MtaStsPolicyTests
{
    private static MtaStsPolicy Policy(MtaStsMode mode, long maxAge, params string[] mx) =>
        new(mode, TimeSpan.FromSeconds(maxAge), mx.Select(Pattern).ToArray());

    private static MxPattern Pattern(string value)
    {
        Assert.True(MxPattern.TryCreate(value, out var pattern, out var error), error);
        return pattern;
    }

    [Theory]
    [InlineData("mail.example.com", true)]
    [InlineData("MAIL.EXAMPLE.COM.", true)]
    [InlineData("mx1.backup.example.net", true)]
    [InlineData("backup.example.net", false)]
    [InlineData("a.mx1.backup.example.net", false)]
    [InlineData("mail2.example.com", false)]
    [InlineData("", false)]
    public void AllowsMx_Host_MatchesAnyPattern(string host, bool expected)
    {
        var policy = Policy(MtaStsMode.Enforce, 86_400, "mail.example.com", "*.backup.example.net");

        Assert.Equal(expected, policy.AllowsMx(host));
    }

    [Fact]
    public void AllowsMx_NoPatterns_AllowsNothing()
    {
        var policy = Policy(MtaStsMode.None, 86_400);

        Assert.False(policy.AllowsMx("mail.example.com"));
    }

    [Fact]
    public void ToPolicyText_Policy_WritesCanonicalCrlfLines()
    {
        var policy = Policy(MtaStsMode.Testing, 604_800, "mail.example.com", "*.example.net");

        Assert.Equal(
            "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n",
            policy.ToPolicyText());
    }

    [Theory]
    [InlineData(MtaStsMode.Enforce, 604_800, new[] { "mail.example.com" })]
    [InlineData(MtaStsMode.Enforce, 31_557_600, new[] { "mx1.example.com", "mx2.example.com", "*.example.net", "xn--bcher-kva.example" })]
    [InlineData(MtaStsMode.Testing, 0, new[] { "*.example.com" })]
    [InlineData(MtaStsMode.None, 86_400, new string[0])]
    [InlineData(MtaStsMode.None, 1, new[] { "mail.example.com" })]
    public void ToPolicyText_ParsedBack_EqualsOriginal(MtaStsMode mode, long maxAge, string[] mx)
    {
        var policy = Policy(mode, maxAge, mx);

        var result = PolicyParser.Parse(policy.ToPolicyText());

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(policy, result.Policy);
    }

    [Fact]
    public void Equals_DifferentMxOrder_NotEqual()
    {
        var first = Policy(MtaStsMode.Enforce, 60, "a.example.com", "b.example.com");
        var second = Policy(MtaStsMode.Enforce, 60, "b.example.com", "a.example.com");

        Assert.NotEqual(first, second);
        Assert.Equal(first, Policy(MtaStsMode.Enforce, 60, "a.example.com", "b.example.com"));
    }
}
