namespace MtaSts.Tests;

/// <summary>The option checks the relay runs at start-up (Relay:MtaSts).</summary>
public sealed class MtaStsOptionsTests
{
    [Theory]
    [InlineData("mtasts-relay/1.0 (MTA-STS policy fetcher)", true)]
    [InlineData("relay/2.1 (admin@example.com)", true)]
    [InlineData("relay/2.1 libcurl/8.0", true)]
    [InlineData("relay", true)]
    [InlineData("Relay 1.0 / admin@x", false)]
    [InlineData("relay/1.0 (unclosed", false)]
    [InlineData("relay/1.0\r\nX-Injected: 1", false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData(null, false)]
    public void IsValidUserAgent_Value_MatchesHttpUserAgentGrammar(string? value, bool valid) =>
        Assert.Equal(valid, MtaStsOptions.IsValidUserAgent(value));

    [Fact]
    public void IsValidUserAgent_Default_IsValid() =>
        Assert.True(MtaStsOptions.IsValidUserAgent(new MtaStsOptions().UserAgent));
}
