namespace MtaSts.Tests;

public class DomainNameTests
{
    [Theory]
    [InlineData("example.test", "example.test")]
    [InlineData("Example.TEST", "example.test")]
    [InlineData("example.test.", "example.test")]
    [InlineData("  mail.Example.test.  ", "mail.example.test")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.example", "xn--bcher-kva.example")]
    [InlineData("münchen.de", "xn--mnchen-3ya.de")]
    [InlineData("MÜNCHEN.DE", "xn--mnchen-3ya.de")]
    [InlineData("mail.Bücher.Example.", "mail.xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    public void TryNormalize_UsableDomain_ReturnsLowerCaseALabels(string domain, string expected)
    {
        Assert.True(DomainName.TryNormalize(domain, out var normalized, out var error), error);
        Assert.Equal(expected, normalized);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("192.0.2.1", "address literal")]
    [InlineData("[192.0.2.1]", "address literal")]
    [InlineData("[IPv6:2001:db8::1]", "address literal")]
    [InlineData("2001:db8::1", "address literal")]
    [InlineData("localhost", "fully qualified")]
    [InlineData("localhost.", "fully qualified")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData(".", "empty")]
    [InlineData("exa mple.test", "not a valid domain")]
    [InlineData("example..test", "not a valid domain")]
    [InlineData("under_score.test", "not a valid domain")]
    [InlineData("example.test:25", "not a valid domain")]
    public void TryNormalize_UnusableDomain_FailsWithReason(string domain, string reasonPart)
    {
        Assert.False(DomainName.TryNormalize(domain, out var normalized, out var error));
        Assert.Equal("", normalized);
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryNormalize_Null_FailsAsEmpty()
    {
        Assert.False(DomainName.TryNormalize(null, out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryNormalize_LabelLongerThan63_Fails()
    {
        var domain = new string('a', 64) + ".test";

        Assert.False(DomainName.TryNormalize(domain, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryNormalize_NameOf253_IsAccepted()
    {
        var domain = LongName(253);

        Assert.True(DomainName.TryNormalize(domain, out var normalized, out _));
        Assert.Equal(domain, normalized);
    }

    [Fact]
    public void TryNormalize_NameOf254_Fails()
    {
        Assert.False(DomainName.TryNormalize(LongName(254), out var normalized, out var error));
        Assert.Contains("fully qualified", error, StringComparison.Ordinal);
        Assert.Equal("", normalized);
    }

    [Fact]
    public void TryNormalize_UnicodeUpperCase_SameALabelAsLowerCase()
    {
        // Under InvariantGlobalization IdnMapping does no case mapping: the domain must be lowered first.
        DomainName.TryNormalize("MÜNCHEN.DE", out var upper, out _);
        DomainName.TryNormalize("münchen.de", out var lower, out _);

        Assert.Equal(lower, upper);
    }

    /// <summary>A name of exactly <paramref name="length"/> characters: 60-letter labels, then a shorter one, then "test".</summary>
    private static string LongName(int length)
    {
        var labels = new List<string>();
        var used = "test".Length;
        while (length - used > 61)
        {
            labels.Add(new string('a', 60));
            used += 61;
        }

        labels.Add(new string('b', length - used - 1));
        labels.Add("test");
        return string.Join('.', labels);
    }

    [Fact]
    public void Normalize_Valid_ReturnsALabel()
    {
        Assert.Equal("xn--bcher-kva.example", DomainName.Normalize("Bücher.Example."));
    }

    [Fact]
    public void Normalize_IpLiteral_ThrowsArgumentExceptionWithReason()
    {
        var error = Assert.Throws<ArgumentException>(() => DomainName.Normalize("127.0.0.1"));

        Assert.Contains("address literal", error.Message, StringComparison.Ordinal);
        Assert.Equal("domain", error.ParamName);
    }
}
