using System.Text;
using MtaSts.Policy;

namespace MtaSts.Tests.Policy;

public class PolicyParserTests
{
    private const string Good = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n";

    [Theory]
    // Line ends: LF, CRLF (errata 6253), mixed, none after the last line.
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", MtaStsMode.Enforce, 604800, "mail.example.com")]
    [InlineData("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n", MtaStsMode.Enforce, 604800, "mail.example.com")]
    [InlineData("version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmax_age: 604800", MtaStsMode.Enforce, 604800, "mail.example.com")]
    // Cosmetics: BOM, blank and whitespace-only lines, spaces and tabs around values, no space after ':'.
    [InlineData("\uFEFFversion: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", MtaStsMode.Enforce, 604800, "mail.example.com")]
    [InlineData("\n\r\nversion: STSv1\n\n  \t\nmode: enforce\n\nmx: mail.example.com\nmax_age: 604800\n\n\n", MtaStsMode.Enforce, 604800, "mail.example.com")]
    [InlineData("version: STSv1   \nmode:\tenforce\t\nmx:    mail.example.com \t \r\nmax_age: 604800 \n", MtaStsMode.Enforce, 604800, "mail.example.com")]
    [InlineData("version:STSv1\nmode:enforce\nmx:mail.example.com\nmax_age:604800", MtaStsMode.Enforce, 604800, "mail.example.com")]
    // Decision: keys are case-insensitive, and spaces around a key are trimmed.
    [InlineData("VERSION: STSv1\nMode: enforce\nMX: mail.example.com\nMax_Age: 604800\n", MtaStsMode.Enforce, 604800, "mail.example.com")]
    [InlineData("  version : STSv1\n\tmode\t: enforce\n mx : mail.example.com\nmax_age : 604800\n", MtaStsMode.Enforce, 604800, "mail.example.com")]
    // Fields in any order; version need not come first.
    [InlineData("max_age: 604800\nmx: mail.example.com\nmode: enforce\nversion: STSv1\n", MtaStsMode.Enforce, 604800, "mail.example.com")]
    // Modes: a none policy needs no mx (the RFC's way to retire MTA-STS).
    [InlineData("version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 86400\n", MtaStsMode.Testing, 86400, "mail.example.com")]
    [InlineData("version: STSv1\nmode: none\nmx: mail.example.com\nmax_age: 86400\n", MtaStsMode.None, 86400, "mail.example.com")]
    [InlineData("version: STSv1\nmode: none\nmax_age: 86400\n", MtaStsMode.None, 86400, "")]
    // Decision: under mode none, bad mx lines are skipped instead of blocking the retirement.
    [InlineData("version: STSv1\nmode: none\nmx: 192.0.2.25\nmx: mail.example.com\nmax_age: 86400\n", MtaStsMode.None, 86400, "mail.example.com")]
    [InlineData("version: STSv1\nmx: bücher.example\nmode: none\nmax_age: 86400\n", MtaStsMode.None, 86400, "")]
    // max_age: 0 is valid; one year is the cap (errata 7282); leading zeros are digits too.
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 0\n", MtaStsMode.Enforce, 0, "mail.example.com")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 31557600\n", MtaStsMode.Enforce, 31557600, "mail.example.com")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 31557601\n", MtaStsMode.Enforce, 31557600, "mail.example.com")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 9999999999\n", MtaStsMode.Enforce, 31557600, "mail.example.com")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 0000086400\n", MtaStsMode.Enforce, 86400, "mail.example.com")]
    // Repeated keys other than mx: the first counts and later ones are not even read.
    [InlineData("version: STSv1\nmode: enforce\nmode: testing\nmx: mail.example.com\nmax_age: 100\nmax_age: 200\n", MtaStsMode.Enforce, 100, "mail.example.com")]
    [InlineData("version: STSv1\nversion: STSv2\nmode: testing\nmode: bogus\nmx: mail.example.com\nmax_age: 100\nmax_age: -1\n", MtaStsMode.Testing, 100, "mail.example.com")]
    // mx: file order kept, duplicates kept, wildcards, normalised to lower case without a trailing dot.
    [InlineData("version: STSv1\nmode: enforce\nmx: mx2.example.com\nmx: mx1.example.com\nmx: *.backup.example.net\nmx: mx2.example.com\nmax_age: 60\n", MtaStsMode.Enforce, 60, "mx2.example.com,mx1.example.com,*.backup.example.net,mx2.example.com")]
    [InlineData("version: STSv1\nmode: enforce\nmx: MAIL.Example.COM.\nmx: *.XN--BCHER-KVA.example\nmax_age: 60\n", MtaStsMode.Enforce, 60, "mail.example.com,*.xn--bcher-kva.example")]
    // Unknown keys (extensions) are ignored whatever their value, including non-ASCII and ':'.
    [InlineData("version: STSv1\nfoo: bar\nmode: enforce\nx-note: see https://example.com/a:b c\ncomment: ünïcödé\nmx: mail.example.com\nmax_age: 60\nmxx: 192.0.2.1\n", MtaStsMode.Enforce, 60, "mail.example.com")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 60\nempty:\n", MtaStsMode.Enforce, 60, "mail.example.com")]
    public void Parse_ValidBody_ReturnsPolicy(string body, MtaStsMode mode, long maxAgeSeconds, string mx)
    {
        var result = PolicyParser.Parse(body);

        Assert.True(result.IsValid, result.Error);
        Assert.Null(result.Error);
        var policy = result.Policy!;
        Assert.Equal(mode, policy.Mode);
        Assert.Equal(TimeSpan.FromSeconds(maxAgeSeconds), policy.MaxAge);
        Assert.Equal(mx, string.Join(",", policy.Mx.Select(p => p.Pattern)));
    }

    [Theory]
    // Required fields.
    [InlineData("", "no version line")]
    [InlineData("\uFEFF", "no version line")]
    [InlineData("\n\n  \n", "no version line")]
    [InlineData("mode: enforce\nmx: mail.example.com\nmax_age: 604800\n", "add 'version: STSv1'")]
    [InlineData("version: STSv1\nmx: mail.example.com\nmax_age: 604800\n", "no mode line")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\n", "no max_age line")]
    // version must be exactly STSv1.
    [InlineData("version: STSv2\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 1: version 'STSv2' is not supported")]
    [InlineData("version: stsv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 1: version 'stsv1'")]
    [InlineData("version: STSv1 beta\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 1: version 'STSv1 beta'")]
    [InlineData("version:\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 1: version ''")]
    // Decision: mode values are exact lower case, as the ABNF spells them.
    [InlineData("version: STSv1\nmode: Enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 2: mode 'Enforce' is not one of enforce, testing, none")]
    [InlineData("version: STSv1\nmode: TESTING\nmx: mail.example.com\nmax_age: 604800\n", "line 2: mode 'TESTING'")]
    [InlineData("version: STSv1\nmode: enforced\nmx: mail.example.com\nmax_age: 604800\n", "line 2: mode 'enforced'")]
    [InlineData("version: STSv1\nmode: report\nmx: mail.example.com\nmax_age: 604800\n", "line 2: mode 'report'")]
    [InlineData("version: STSv1\nmode:\nmx: mail.example.com\nmax_age: 604800\n", "line 2: mode ''")]
    // The first occurrence counts even when it is the bad one.
    [InlineData("version: STSv1\nmode: bogus\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 2: mode 'bogus'")]
    [InlineData("version: STSv2\nversion: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 1: version 'STSv2'")]
    // max_age: 1 to 10 ASCII digits, nothing else.
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: -1\n", "line 4: max_age '-1' must be 1 to 10 digits")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: +1\n", "line 4: max_age '+1'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 1.5\n", "line 4: max_age '1.5'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 1e5\n", "line 4: max_age '1e5'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 0x10\n", "line 4: max_age '0x10'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400s\n", "line 4: max_age '86400s'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86 400\n", "line 4: max_age '86 400'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 12345678901\n", "line 4: max_age '12345678901'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: ８６４００\n", "line 4: max_age '８６４００'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age:\n", "line 4: max_age ''")]
    // enforce and testing need mx.
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 604800\n", "mode enforce needs at least one mx line")]
    [InlineData("version: STSv1\nmode: testing\nmax_age: 604800\n", "mode testing needs at least one mx line")]
    // Any bad mx value makes an enforce or testing policy invalid, naming the line.
    [InlineData("version: STSv1\nmode: enforce\nmx: 192.0.2.25\nmax_age: 604800\n", "line 3: mx value '192.0.2.25' is an IP address")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: [2001:db8::25]\nmax_age: 604800\n", "line 4: mx value '[2001:db8::25]' is an IP address")]
    [InlineData("version: STSv1\nmode: testing\nmx:\nmax_age: 604800\n", "line 3: mx value is empty")]
    [InlineData("version: STSv1\nmode: enforce\nmx: bücher.example\nmax_age: 604800\n", "line 3: mx value 'bücher.example' is not in A-label form")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.*.example.com\nmax_age: 604800\n", "line 3: mx value 'mail.*.example.com': '*' is allowed only")]
    [InlineData("version: STSv1\nmx: a_b.example.com\nmx: 192.0.2.25\nmode: enforce\nmax_age: 604800\n", "line 2: mx value 'a_b.example.com'")]
    // Lines must be key: value; line numbers count every line, blank ones too.
    [InlineData("version: STSv1\nmode enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 2 has no ':'; every line must read 'key: value' (found 'mode enforce')")]
    [InlineData("\uFEFF\n\nversion: STSv1\r\n\r\ngarbage\r\n", "line 5 has no ':'")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n<html>\n", "line 5 has no ':'")]
    [InlineData("version: STSv1\n: enforce\nmx: mail.example.com\nmax_age: 604800\n", "line 2 has no key before ':'")]
    // A bare CR does not end a line, so classic Mac line ends run everything into line 1.
    [InlineData("version: STSv1\rmode: enforce\rmx: mail.example.com\rmax_age: 604800\r", "line 1: version 'STSv1?mode: enforce?")]
    // A second BOM is not cosmetic: it belongs to the key, which is then unknown.
    [InlineData("\uFEFF\uFEFFversion: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n", "no version line")]
    public void Parse_InvalidBody_ReturnsErrorNamingTheFault(string body, string reason)
    {
        var result = PolicyParser.Parse(body);

        Assert.False(result.IsValid);
        Assert.Null(result.Policy);
        Assert.NotNull(result.Error);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ThousandMxLines_IsValid()
    {
        var body = Body(PolicyFields.MaxMxLines);

        var result = PolicyParser.Parse(body);

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(1000, result.Policy!.Mx.Count);
        Assert.Equal("mx999.example.com", result.Policy.Mx[^1].Pattern);
    }

    [Fact]
    public void Parse_MoreThanThousandMxLines_IsInvalidNamingTheLine()
    {
        var result = PolicyParser.Parse(Body(100_000));

        Assert.False(result.IsValid);
        Assert.Equal("line 1003: the policy has more than 1000 mx lines", result.Error);
    }

    [Fact]
    public void Parse_Null_IsInvalidWithoutThrowing()
    {
        var result = PolicyParser.Parse(null!);

        Assert.False(result.IsValid);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void Parse_HugeLineWithoutColon_ErrorIsCutShort()
    {
        var result = PolicyParser.Parse(Good + new string('x', 60_000));

        Assert.False(result.IsValid);
        Assert.StartsWith("line 5 has no ':'", result.Error, StringComparison.Ordinal);
        Assert.True(result.Error!.Length < 300, result.Error);
    }

    [Fact]
    public void Parse_ControlCharactersInValue_AreNotCopiedIntoError()
    {
        var result = PolicyParser.Parse("version: STSv1\nmode: enf\u001b[31morce\n");

        Assert.Equal(
            "line 2: mode 'enf?[31morce' is not one of enforce, testing, none (lower case, RFC 8461 §3.2)",
            result.Error);
    }

    [Fact]
    public void Parse_RandomInput_NeverThrowsAndAlwaysGivesPolicyOrError()
    {
        // Fixed seed: the same 3,000 bodies every run, built from the characters the grammar cares about.
        var random = new Random(8461);
        const string Alphabet = "\n\r\t :.*-_0123456789mxvodeastSTv\uFEFF\u00fc[]";
        string[] fragments = ["version", "mode", "max_age", "mx", "STSv1", "enforce", "testing", "none", "example.com"];
        for (var i = 0; i < 3000; i++)
        {
            var body = new StringBuilder();
            var length = random.Next(0, 60);
            for (var j = 0; j < length; j++)
            {
                _ = random.Next(3) == 0
                    ? body.Append(fragments[random.Next(fragments.Length)])
                    : body.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            var result = PolicyParser.Parse(body.ToString());

            Assert.True(result.IsValid ^ (result.Error is not null), body.ToString());
        }
    }

    private static string Body(int mxCount)
    {
        var body = new StringBuilder("version: STSv1\nmode: enforce\n");
        for (var i = 0; i < mxCount; i++)
        {
            body.Append("mx: mx").Append(i).Append(".example.com\n");
        }

        return body.Append("max_age: 604800\n").ToString();
    }
}
