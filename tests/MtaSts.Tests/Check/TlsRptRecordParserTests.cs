using MtaSts.Check;

namespace MtaSts.Tests.Check;

public class TlsRptRecordParserTests
{
    [Theory]
    [InlineData("v=TLSRPTv1; rua=mailto:tlsrpt@example.test", "mailto:tlsrpt@example.test")]
    [InlineData("v=TLSRPTv1;rua=https://reporting.example.test/v1/tlsrpt", "https://reporting.example.test/v1/tlsrpt")]
    [InlineData("v=TLSRPTv1 ; rua=mailto:a@example.test;", "mailto:a@example.test")]
    [InlineData("v=TLSRPTv1; rua=MAILTO:A@example.test", "MAILTO:A@example.test")]
    [InlineData("v=TLSRPTv1; ext=1; rua=mailto:a@example.test", "mailto:a@example.test")]
    public void Check_OneValidRecord_ReturnsItsUri(string record, string uri)
    {
        var check = TlsRptRecordParser.Check([record]);

        Assert.True(check.Valid, check.Problem);
        Assert.Equal([uri], check.ReportUris);
        Assert.Equal([record], check.Records);
    }

    [Theory]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.test,https://r.example.test/tlsrpt")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.test , https://r.example.test/tlsrpt")]
    public void Check_SeveralRua_ReturnsEachUriInOrder(string record)
    {
        var check = TlsRptRecordParser.Check([record]);

        Assert.True(check.Valid, check.Problem);
        Assert.Equal(["mailto:a@example.test", "https://r.example.test/tlsrpt"], check.ReportUris);
    }

    [Fact]
    public void Check_OtherRecordsBeside_AreIgnored()
    {
        var check = TlsRptRecordParser.Check(["v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@example.test", "v=TLSRPTv10; rua=mailto:b@example.test"]);

        Assert.True(check.Valid, check.Problem);
        Assert.Equal(["mailto:a@example.test"], check.ReportUris);
        Assert.Equal(3, check.Records.Count);
    }

    [Theory]
    [InlineData("v=TLSRPTv1", "no rua")]
    [InlineData("v=TLSRPTv1;", "no rua")]
    [InlineData("v=TLSRPTv1; ruf=mailto:a@example.test", "no rua")]
    [InlineData("v=TLSRPTv1; rua=", "no rua")]
    [InlineData("v=TLSRPTv1; rua=,", "no rua")]
    [InlineData("v=TLSRPTv1; rua= , ;", "no rua")]
    [InlineData("v=TLSRPTv1; rua=http://r.example.test/tlsrpt", "'http://r.example.test/tlsrpt' is neither mailto: nor https:")]
    [InlineData("v=TLSRPTv1; rua=ftp://r.example.test", "'ftp://r.example.test' is neither")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.test,tlsrpt@example.test", "'tlsrpt@example.test' is neither")]
    public void Check_UnusableRecord_ReportsProblem(string record, string problemPart)
    {
        var check = TlsRptRecordParser.Check([record]);

        Assert.False(check.Valid);
        Assert.Contains(problemPart, check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TwoRecords_IsInvalid()
    {
        var check = TlsRptRecordParser.Check(["v=TLSRPTv1; rua=mailto:a@example.test", "v=TLSRPTv1; rua=mailto:b@example.test"]);

        Assert.False(check.Valid);
        Assert.Contains("2 records", check.Problem, StringComparison.Ordinal);
        Assert.Empty(check.ReportUris);
    }

    public static TheoryData<string[]> WithoutTlsRptRecord => new()
    {
        Array.Empty<string>(),
        new[] { "v=spf1 -all" },
        new[] { "V=TLSRPTv1; rua=mailto:a@example.test" }, // %s: case-sensitive
        new[] { "v=TLSRPTv10; rua=mailto:a@example.test" },
        new[] { " v=TLSRPTv1; rua=mailto:a@example.test" },
    };

    [Theory]
    [MemberData(nameof(WithoutTlsRptRecord))]
    public void Check_NoTlsRptRecord_ReportsNone(string[] records)
    {
        var check = TlsRptRecordParser.Check(records);

        Assert.False(check.Valid);
        Assert.Contains("no TXT record starting with v=TLSRPTv1", check.Problem, StringComparison.Ordinal);
    }
}
