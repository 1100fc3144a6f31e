using MtaSts.Policy;

namespace MtaSts.Tests.Policy;

public class MxPatternTests
{
    private const string Label63 = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123";
    private const string Label64 = Label63 + "4";

    // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters.
    private const string Name253 = Label63 + "." + Label63 + "." + Label63 + ".abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghija";

    [Theory]
    [InlineData("mail.example.com", "mail.example.com")]
    [InlineData("a.b", "a.b")] // two labels are enough
    [InlineData("MAIL.Example.COM", "mail.example.com")] // stored lower-case
    [InlineData("mail.example.com.", "mail.example.com")] // one trailing dot accepted and removed
    [InlineData("*.example.com", "*.example.com")]
    [InlineData("*.EXAMPLE.com.", "*.example.com")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")] // A-labels are LDH names
    [InlineData("MX1.XN--BCHER-KVA.example", "mx1.xn--bcher-kva.example")]
    [InlineData("mail.example.xn--p1ai", "mail.example.xn--p1ai")] // IDN top-level domain
    [InlineData("mail-1.ex-ample.com", "mail-1.ex-ample.com")] // inner hyphens
    [InlineData("1mail.example.com", "1mail.example.com")] // a label may start with a digit
    [InlineData("mx.example.123abc", "mx.example.123abc")] // last label not all digits
    [InlineData(Label63 + ".example.com", Label63 + ".example.com")]
    [InlineData(Name253, Name253)]
    [InlineData(Name253 + ".", Name253)]
    public void TryCreate_ValidValue_StoresNormalisedPattern(string value, string expected)
    {
        var ok = MxPattern.TryCreate(value, out var pattern, out var error);

        Assert.True(ok, error);
        Assert.Null(error);
        Assert.Equal(expected, pattern.Pattern);
        Assert.Equal(expected.StartsWith("*.", StringComparison.Ordinal), pattern.IsWildcard);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(".", "empty label")]
    [InlineData("mail..example.com", "empty label")]
    [InlineData(".mail.example.com", "empty label")]
    [InlineData("mail.example.com..", "empty label")] // only one trailing dot is forgiven
    [InlineData("192.0.2.25", "is an IP address")]
    [InlineData("192.0.2.25.", "is an IP address")]
    [InlineData("2001:db8::25", "is an IP address")]
    [InlineData("[2001:db8::25]", "is an IP address")]
    [InlineData("[192.0.2.25]", "is an IP address")]
    [InlineData("::1", "is an IP address")]
    [InlineData("mail.example.123", "all-numeric label")]
    [InlineData("bücher.example", "not in A-label form")] // U-label
    [InlineData("mail.bücher.example", "xn-- form")]
    [InlineData("mail.example.com:25", "contains ':'")]
    [InlineData("mail_1.example.com", "label 'mail_1' contains '_'")]
    [InlineData("_mta-sts.example.com", "contains '_'")]
    [InlineData("mail example.com", "contains ' '")]
    [InlineData(" mail.example.com", "contains ' '")]
    [InlineData("mail.example.com ", "contains ' '")]
    [InlineData("mail/example.com", "contains '/'")]
    [InlineData("postmaster@example.com", "contains '@'")]
    [InlineData("mail\u0000.example.com", "contains '?'")] // control characters shown as '?'
    [InlineData("mail.*.example.com", "'*' is allowed only as the whole first label")]
    [InlineData("**.example.com", "'*' is allowed only")]
    [InlineData("*.*.example.com", "'*' is allowed only")]
    [InlineData("*mail.example.com", "'*' is allowed only")]
    [InlineData("m*.example.com", "'*' is allowed only")]
    [InlineData("*", "'*' is allowed only")]
    [InlineData("*.", "'*' is allowed only")] // the trailing dot goes, leaving "*"
    [InlineData("*..", "no domain after '*.'")]
    [InlineData("-mail.example.com", "starts or ends with a hyphen")]
    [InlineData("mail-.example.com", "starts or ends with a hyphen")]
    [InlineData(Label64 + ".example.com", "longer than 63 characters")]
    [InlineData(Name253 + "a", "longer than 253 characters")]
    [InlineData("localhost", "single label")] // decision: at least two labels
    [InlineData("LOCALHOST.", "single label")]
    [InlineData("*.com", "single label")] // a wildcard over a whole TLD
    public void TryCreate_InvalidValue_ReturnsReason(string value, string reason)
    {
        var ok = MxPattern.TryCreate(value, out var pattern, out var error);

        Assert.False(ok);
        Assert.Null(pattern.Pattern);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.0.2.25")]
    [InlineData("mail_1.example.com")]
    [InlineData("bücher.example")]
    public void TryCreate_InvalidValue_ErrorQuotesTheValue(string value)
    {
        MxPattern.TryCreate(value, out _, out var error);

        Assert.Contains($"mx value '{value}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_Null_ReturnsFalseWithoutThrowing()
    {
        var ok = MxPattern.TryCreate(null!, out _, out var error);

        Assert.False(ok);
        Assert.NotNull(error);
    }

    [Fact]
    public void TryCreate_LongGarbage_ErrorIsCutShort()
    {
        var value = new string('_', 10_000);

        MxPattern.TryCreate(value, out _, out var error);

        Assert.NotNull(error);
        Assert.True(error.Length < 300, error);
    }

    [Theory]
    [InlineData("mail.example.com", "mail.example.com", true)]
    [InlineData("mail.example.com", "MAIL.Example.COM", true)] // case-insensitive
    [InlineData("mail.example.com", "mail.example.com.", true)] // one trailing dot ignored
    [InlineData("mail.example.com", "MAIL.EXAMPLE.COM.", true)]
    [InlineData("mail.example.com", "mail.example.com..", false)]
    [InlineData("mail.example.com", "mail.example.org", false)]
    [InlineData("mail.example.com", "amail.example.com", false)]
    [InlineData("mail.example.com", "x.mail.example.com", false)]
    [InlineData("mail.example.com", "example.com", false)]
    [InlineData("mail.example.com", "mail.example.com.evil.test", false)]
    [InlineData("mail.example.com", "", false)]
    [InlineData("mail.example.com", ".", false)]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "mx1.example.com", true)]
    [InlineData("*.example.com", "A.EXAMPLE.COM.", true)]
    [InlineData("*.example.com", "xn--bcher-kva.example.com", true)]
    [InlineData("*.example.com", "example.com", false)] // the wildcard needs one label
    [InlineData("*.example.com", "example.com.", false)]
    [InlineData("*.example.com", ".example.com", false)] // an empty label is no label
    [InlineData("*.example.com", "a.b.example.com", false)] // exactly one label, not any depth
    [InlineData("*.example.com", "aexample.com", false)]
    [InlineData("*.example.com", "a.xexample.com", false)]
    [InlineData("*.example.com", "a.example.com.evil.test", false)]
    [InlineData("*.example.com", "a.example.net", false)]
    [InlineData("*.example.com", "", false)]
    [InlineData("mail.example.com.", "mail.example.com", true)] // a pattern built by hand is tolerated too
    [InlineData("MAIL.example.com", "mail.EXAMPLE.com", true)]
    [InlineData("*.example.com.", "a.example.com", true)]
    [InlineData("", "mail.example.com", false)]
    public void Matches_Host_FollowsSection41(string pattern, string host, bool expected)
    {
        Assert.Equal(expected, new MxPattern(pattern).Matches(host));
    }

    [Fact]
    public void Matches_PatternFromMixedCaseValue_MatchesLowerCaseHost()
    {
        Assert.True(MxPattern.TryCreate("*.Mail.Example.COM.", out var pattern, out _));

        Assert.True(pattern.Matches("mx7.mail.example.com"));
        Assert.False(pattern.Matches("mail.example.com"));
    }

    [Fact]
    public void Matches_NullHostOrDefaultPattern_ReturnsFalse()
    {
        Assert.False(new MxPattern("mail.example.com").Matches(null!));
        Assert.False(default(MxPattern).Matches("mail.example.com"));
    }

    [Fact]
    public void ToString_ReturnsPattern()
    {
        Assert.True(MxPattern.TryCreate("*.Example.com", out var pattern, out _));

        Assert.Equal("*.example.com", pattern.ToString());
    }
}
