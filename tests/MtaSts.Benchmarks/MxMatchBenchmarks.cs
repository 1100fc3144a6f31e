using BenchmarkDotNet.Attributes;
using MtaSts.Policy;

namespace MtaSts.Benchmarks;

/// <summary>
/// RFC 8461 §4.1 matching of an MX host against one <c>mx</c> pattern, exact and wildcard, hit and
/// miss; and a whole four-pattern policy. It runs for every MX of every delivery, so it must not allocate.
/// </summary>
[MemoryDiagnoser]
public class MxMatchBenchmarks
{
    private static readonly MxPattern Exact = new("mx1.example.com");
    private static readonly MxPattern Wildcard = new("*.mail.example.net");
    private static readonly MtaStsPolicy Policy = PolicyParser.Parse(
        "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: mx2.example.com\n"
        + "mx: *.mail.example.net\nmx: backup.example.org\nmax_age: 604800\n").Policy!;

    [Benchmark]
    public bool ExactHit() => Exact.Matches("MX1.Example.COM.");

    [Benchmark]
    public bool ExactMiss() => Exact.Matches("mx1.example.org");

    [Benchmark]
    public bool WildcardHit() => Wildcard.Matches("mx7.mail.example.net");

    [Benchmark]
    public bool WildcardMiss() => Wildcard.Matches("a.b.mail.example.net");

    [Benchmark]
    public bool PolicyLastPatternHit() => Policy.AllowsMx("backup.example.org");

    [Benchmark]
    public bool PolicyMiss() => Policy.AllowsMx("mx.attacker.example");
}
