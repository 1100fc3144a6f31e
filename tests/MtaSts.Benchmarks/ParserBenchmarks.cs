using BenchmarkDotNet.Attributes;
using MtaSts.Discovery;
using MtaSts.Policy;

namespace MtaSts.Benchmarks;

/// <summary>The parsers and the matcher on typical inputs; the policy parse should stay well under 5 µs.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const string Policy =
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\n"
        + "mx: *.mail.example.net\r\nmx: backup.example.org\r\nmax_age: 604800\r\n";

    private static readonly MxPattern Wildcard = new("*.mail.example.net");

    [Benchmark]
    public PolicyParseResult ParsePolicyWithFourMx() => PolicyParser.Parse(Policy);

    [Benchmark]
    public TxtSelection SelectTxtRecord() =>
        StsTxtRecordParser.Select(["v=spf1 -all", "v=STSv1; id=20240101T000000Z;"]);

    [Benchmark]
    public bool MatchWildcardMx() => Wildcard.Matches("MX7.Mail.Example.NET.");
}
