using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Listener;

public sealed class LogTextTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("user@example.net", "user@example.net")]
    [InlineData("a\r\nb", "a\\u000d\\u000ab")]
    [InlineData("tab\there", "tab\\u0009here")]
    [InlineData("esc\u001b[31m", "esc\\u001b[31m")]
    [InlineData("line\u2028sep", "line\\u2028sep")]
    [InlineData("j\u00f6rg", "j\u00f6rg")]
    public void Bounded_ShortText_ControlCharactersEscaped(string? text, string expected)
    {
        Assert.Equal(expected, LogText.Bounded(text));
    }

    [Fact]
    public void Bounded_LongText_CutWithOriginalLength()
    {
        var bounded = LogText.Bounded(new string('a', 10_000));

        Assert.Equal(new string('a', LogText.MaxLength) + "...(10000 chars)", bounded);
    }
}
