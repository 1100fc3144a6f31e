using System.Text.RegularExpressions;
using MtaSts.Check;
using MtaSts.Discovery;
using MtaSts.Policy;

namespace MtaStsRelay.Tests.Samples;

/// <summary>
/// The samples for admins who publish a policy (mta-sts.*.txt, dns-records.txt) pass the relay's own
/// parsers, and the policies cover every MX record in the sample zone.
/// </summary>
public sealed partial class PublishingSamplesTests
{
    [Theory]
    [InlineData("mta-sts.testing.txt", MtaStsMode.Testing)]
    [InlineData("mta-sts.enforce.txt", MtaStsMode.Enforce)]
    public void SamplePolicy_Parses_WithItsModeAndEveryZoneMx(string file, MtaStsMode mode)
    {
        var result = PolicyParser.Parse(SampleFiles.Read(file));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(mode, result.Policy!.Mode);
        Assert.True(result.Policy.MaxAge >= TimeSpan.FromDays(1), "check warns about max_age under one day");
        var mxHosts = ZoneRecords("MX").Select(value => value.Split(' ')[1]).ToList();
        Assert.NotEmpty(mxHosts);
        Assert.All(mxHosts, mx => Assert.True(result.Policy.AllowsMx(mx), $"{mx} is not covered by {file}"));
    }

    [Fact]
    public void DnsRecords_MtaStsTxt_IsAValidStsRecord()
    {
        var record = Assert.Single(ZoneRecords("TXT", "_mta-sts."));

        Assert.True(StsTxtRecordParser.TryParse(Unquote(record), out var parsed, out var error), error);
        Assert.Matches("^[A-Za-z0-9]{1,32}$", parsed!.Id);
    }

    [Fact]
    public void DnsRecords_TlsRptTxt_IsAValidTlsRptRecord()
    {
        var record = Assert.Single(ZoneRecords("TXT", "_smtp._tls."));

        var check = TlsRptRecordParser.Check([Unquote(record)]);

        Assert.True(check.Valid, check.Problem);
        Assert.Equal(["mailto:tls-reports@example.com"], check.ReportUris);
    }

    [Fact]
    public void DnsRecords_PolicyHost_HasAnAddress()
    {
        Assert.NotEmpty(ZoneRecords("A", "mta-sts."));
    }

    /// <summary>Values of the active (not commented) records of a type, optionally for names starting with a prefix.</summary>
    private static List<string> ZoneRecords(string type, string namePrefix = "") =>
        SampleFiles.ContentLines("dns-records.txt", ";")
            .Select(line => ZoneLine().Match(line))
            .Where(m => m.Success && m.Groups["type"].Value == type && m.Groups["name"].Value.StartsWith(namePrefix, StringComparison.Ordinal))
            .Select(m => m.Groups["value"].Value.Trim())
            .ToList();

    private static string Unquote(string value) => value.Trim('"');

    // name TTL IN type value  (BIND zone-file syntax, as in the sample)
    [GeneratedRegex(@"^(?<name>\S+)\s+\d+\s+IN\s+(?<type>[A-Z]+)\s+(?<value>.+)$")]
    private static partial Regex ZoneLine();
}
