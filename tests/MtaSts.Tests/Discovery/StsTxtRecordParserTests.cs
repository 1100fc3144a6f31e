using MtaSts.Discovery;

namespace MtaSts.Tests.Discovery;

public class StsTxtRecordParserTests
{
    private const string Id32 = "abcdefghijABCDEFGHIJ012345678901";
    private const string Name32 = "ext_-.ghijABCDEFGHIJ012345678901";

    [Theory]
    [InlineData("v=STSv1; id=20160831085700Z", true)]
    [InlineData("v=STSv1;id=abc", true)]
    [InlineData("v=STSv1 ;id=abc", true)] // errata 6285: spaces before ';'
    [InlineData("v=STSv1\t \t; id=abc", true)]
    [InlineData("v=STSv1", true)] // an STS record, though invalid (no id)
    [InlineData("v=STSv1 ", true)]
    [InlineData("v=STSv1;", true)]
    [InlineData("v=STSv10; id=abc", false)]
    [InlineData("v=STSv1x; id=abc", false)]
    [InlineData("v=STSv2; id=abc", false)]
    [InlineData("v=STSv1 id=abc", false)] // no ';' after the version
    [InlineData("V=STSv1; id=abc", false)] // %s: case-sensitive
    [InlineData("v=stsv1; id=abc", false)]
    [InlineData(" v=STSv1; id=abc", false)] // must be at the very start
    [InlineData("id=abc; v=STSv1", false)]
    [InlineData("v=spf1 -all", false)]
    [InlineData("", false)]
    public void IsStsRecord_Text_ChecksVersionPrefix(string text, bool expected)
    {
        Assert.Equal(expected, StsTxtRecordParser.IsStsRecord(text));
    }

    [Fact]
    public void IsStsRecord_Null_ReturnsFalse()
    {
        Assert.False(StsTxtRecordParser.IsStsRecord(null!));
    }

    [Theory]
    [InlineData("v=STSv1; id=20160831085700Z", "20160831085700Z")] // RFC 8461 §3.1 example
    [InlineData("v=STSv1;id=abc", "abc")]
    [InlineData("v=STSv1; id=abc;", "abc")] // final ';' optional
    [InlineData("v=STSv1; id=abc; ", "abc")]
    [InlineData("v=STSv1 ; id=abc", "abc")] // errata 6285
    [InlineData("v=STSv1\t;\tid=abc\t;\t", "abc")]
    [InlineData("v=STSv1;   id=abc   ;", "abc")]
    [InlineData("v=STSv1; id=abc ", "abc")] // decision: trailing spaces tolerated
    [InlineData("v=STSv1; id=a", "a")]
    [InlineData("v=STSv1; id=" + Id32, Id32)]
    [InlineData("v=STSv1; id=abc; ext=value", "abc")] // other fields ignored
    [InlineData("v=STSv1; ext=value; id=abc", "abc")] // id need not be second
    [InlineData("v=STSv1; id=abc; " + Name32 + "=v", "abc")]
    [InlineData("v=STSv1; id=abc; 9x=v", "abc")] // a name may start with a digit
    [InlineData("v=STSv1; id=abc; x=!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~", "abc")] // every allowed value character
    [InlineData("v=STSv1; id=first; id=second", "first")] // repeated field: first counts
    [InlineData("v=STSv1; id=abc; id=2024-01-01", "abc")] // decision: later ids need only be well-formed fields
    [InlineData("v=STSv1; id=abc; v=STSv2", "abc")]
    [InlineData("v=STSv1; ID=xyz; id=abc", "abc")] // ID is an unknown field, not id
    public void TryParse_ValidRecord_ReturnsId(string text, string id)
    {
        var ok = StsTxtRecordParser.TryParse(text, out var record, out var error);

        Assert.True(ok, error);
        Assert.Null(error);
        Assert.Equal(new StsTxtRecord(id, text), record);
    }

    [Theory]
    [InlineData("v=STSv1", "the record has no id= field; add one of 1 to 32 letters or digits")]
    [InlineData("v=STSv1;", "no id= field")]
    [InlineData("v=STSv1; ext=1", "no id= field")]
    [InlineData("v=STSv1; ID=abc", "field names are case-sensitive: write id= in lower case")]
    [InlineData("v=STSv1; Id=abc;", "case-sensitive")]
    [InlineData("v=STSv1; id=2024-01-01", "id '2024-01-01' must be 1 to 32 letters or digits")]
    [InlineData("v=STSv1; id=", "id '' must be 1 to 32 letters or digits")]
    [InlineData("v=STSv1; id=abc.def", "id 'abc.def' must be")]
    [InlineData("v=STSv1; id=" + Id32 + "X", "id '" + Id32 + "X' must be 1 to 32")]
    [InlineData("v=STSv1; id=2024-01-01; id=abc", "id '2024-01-01'")] // the first id counts
    [InlineData("v=STSv1; id=äbc", "non-ASCII or control character at position 13")]
    [InlineData("v=STSv1; id=abc; note=café", "non-ASCII")]
    [InlineData("v=STSv1; id=abc\u0001", "control character at position 16")]
    [InlineData("v=STSv1; id=abc\r\n", "control character")]
    [InlineData("v=STSv1;; id=abc", "empty field (two ';' in a row)")]
    [InlineData("v=STSv1; ; id=abc", "empty field")]
    [InlineData("v=STSv1; id=abc;;", "empty field")]
    [InlineData("v=STSv1; id=abc; foo", "field 'foo' has no '='")]
    [InlineData("v=STSv1; id = abc", "field 'id' has no '='")] // no spaces around '='
    [InlineData("v=STSv1; id=abc; =x", "a field has no name before '='")]
    [InlineData("v=STSv1; id=abc; foo=", "field 'foo' has an empty value")]
    [InlineData("v=STSv1; id=abc; foo=a=b", "the value of field 'foo' contains '='")]
    [InlineData("v=STSv1; id=abc; _foo=x", "field name '_foo' is invalid")]
    [InlineData("v=STSv1; id=abc; -foo=x", "field name '-foo'")]
    [InlineData("v=STSv1; id=abc; fo/o=x", "field name 'fo/o'")]
    [InlineData("v=STSv1; id=abc; " + Name32 + "x=v", "field name '" + Name32 + "x' is invalid")]
    [InlineData("v=STSv1; id=abc def=1", "'def=1' follows a field without a ';' before it")]
    [InlineData("v=STSv1; id=abc; x=1, ext=1", "'ext=1' follows a field without a ';'")]
    [InlineData("v=STSv1; id=abc, ext=1", "id 'abc,' must be")]
    [InlineData("v=STSv10; id=abc", "must start with v=STSv1")]
    [InlineData("v=STSv1 id=abc", "must start with v=STSv1 (exactly so, in this case) followed by ';'")]
    [InlineData("id=abc; v=STSv1", "must start with v=STSv1")]
    [InlineData("v=stsv1; id=abc", "must start with v=STSv1")]
    [InlineData("", "must start with v=STSv1")]
    public void TryParse_InvalidRecord_ReturnsReason(string text, string reason)
    {
        var ok = StsTxtRecordParser.TryParse(text, out var record, out var error);

        Assert.False(ok);
        Assert.Null(record);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalseWithoutThrowing()
    {
        Assert.False(StsTxtRecordParser.TryParse(null!, out var record, out var error));
        Assert.Null(record);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData(new object[] { new string[0] })]
    [InlineData(new object[] { new[] { "v=spf1 -all" } })]
    [InlineData(new object[] { new[] { "v=spf1 -all", "google-site-verification=abc" } })]
    [InlineData(new object[] { new[] { "v=STSv10; id=abc" } })] // discarded, not invalid
    [InlineData(new object[] { new[] { "v=STSv1 id=abc", " v=STSv1; id=abc" } })]
    public void Select_NoStsRecord_ReturnsNoRecord(string[] records)
    {
        var selection = StsTxtRecordParser.Select(records);

        Assert.Equal(TxtSelectionStatus.NoRecord, selection.Status);
        Assert.Null(selection.Record);
        Assert.Equal("no TXT record starts with v=STSv1", selection.Reason);
    }

    [Theory]
    [InlineData(new[] { "v=STSv1; id=abc" }, "abc")]
    [InlineData(new[] { "v=spf1 -all", "v=STSv1; id=abc", "v=STSv10; id=other" }, "abc")]
    [InlineData(new[] { "v=STSv2; id=new", "v=STSv1 ;id=abc;" }, "abc")]
    public void Select_OneValidStsRecord_ReturnsFound(string[] records, string id)
    {
        var selection = StsTxtRecordParser.Select(records);

        Assert.Equal(TxtSelectionStatus.Found, selection.Status);
        Assert.Equal(id, selection.Record!.Id);
        Assert.Contains(selection.Record.Text, records);
        Assert.Null(selection.Reason);
    }

    [Theory]
    [InlineData(new[] { "v=STSv1; id=abc", "v=STSv1; id=def" }, "2 records start with v=STSv1; exactly one is allowed")]
    [InlineData(new[] { "v=STSv1; id=abc", "v=STSv1; id=abc" }, "2 records start with v=STSv1; exactly one is allowed")]
    [InlineData(new[] { "v=STSv1; id=abc", "v=spf1 -all", "v=STSv1 ;id=def", "v=STSv1" }, "3 records start with v=STSv1; exactly one is allowed")]
    [InlineData(new[] { "v=STSv1; id=abc", "v=STSv1" }, "2 records start with v=STSv1")] // even when one is broken
    [InlineData(new[] { "v=STSv1; id=2024-01-01" }, "id '2024-01-01' must be 1 to 32 letters or digits")]
    [InlineData(new[] { "v=spf1 -all", "v=STSv1" }, "no id= field")]
    [InlineData(new[] { "v=STSv1; id=abc; bad" }, "field 'bad' has no '='")]
    public void Select_SeveralOrBrokenStsRecords_ReturnsInvalidWithReason(string[] records, string reason)
    {
        var selection = StsTxtRecordParser.Select(records);

        Assert.Equal(TxtSelectionStatus.Invalid, selection.Status);
        Assert.Null(selection.Record);
        Assert.Contains(reason, selection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_NullListOrNullEntries_DoesNotThrow()
    {
        Assert.Equal(TxtSelectionStatus.NoRecord, StsTxtRecordParser.Select(null!).Status);
        Assert.Equal(TxtSelectionStatus.Found, StsTxtRecordParser.Select([null!, "v=STSv1; id=abc"]).Status);
    }
}
