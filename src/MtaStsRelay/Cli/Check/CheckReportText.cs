using MtaSts.Check;
using MtaSts.Failures;
using MtaSts.Policy;

namespace MtaStsRelay.Cli.Check;

/// <summary>The plain <c>check</c> output: one section per step, a mark per finding, readable at a glance.</summary>
internal static class CheckReportText
{
    private const string Ok = "[ ok ]";
    private const string Bad = "[FAIL]";
    private const string Warn = "[warn]";

    public static void Write(TextWriter o, CheckReport report)
    {
        o.WriteLine($"MTA-STS check for {report.Domain}");
        o.WriteLine();
        WriteTxt(o, report);
        WriteFetch(o, report);
        WriteMx(o, report);
        WriteTlsRpt(o, report.TlsRpt);
        WriteSummary(o, report);
    }

    private static void WriteTxt(TextWriter o, CheckReport report)
    {
        var txt = report.Txt;
        o.WriteLine($"TXT _mta-sts.{report.Domain}");
        foreach (var record in txt.Records)
        {
            o.WriteLine($"       \"{record}\"");
        }

        o.WriteLine(txt.Record is { } r ? $"{Ok} id={r.Id}" : $"{Bad} {txt.Reason}");
        o.WriteLine();
    }

    private static void WriteFetch(TextWriter o, CheckReport report)
    {
        if (report.Fetch is not { } fetch)
        {
            return;
        }

        o.WriteLine($"Policy {fetch.Url}");
        if (fetch.StatusCode is { } status)
        {
            o.WriteLine($"       HTTP {status}, Content-Type: {fetch.ContentType ?? "(none)"}{(fetch.BodyBytes is { } n ? $", {n} bytes" : "")}");
        }

        if (fetch.Certificate is { } c)
        {
            o.WriteLine($"       certificate: {c.Subject}; issuer {c.Issuer}; expires {c.NotAfter:yyyy-MM-dd}");
        }

        if (fetch.Policy is { } p)
        {
            o.WriteLine($"{Ok} mode={p.Mode.ToString().ToLowerInvariant()} max_age={(long)p.MaxAge.TotalSeconds} mx={string.Join(", ", p.Mx)}");
        }
        else
        {
            o.WriteLine($"{Bad} {fetch.Failure!.Type.ToResultType()}: {fetch.Failure.Reason}");
        }

        o.WriteLine();
    }

    private static void WriteMx(TextWriter o, CheckReport report)
    {
        o.WriteLine($"MX hosts of {report.Domain}");
        foreach (var mx in report.MxHosts)
        {
            var match = report.Policy is null || report.Policy.Mode == MtaStsMode.None ? "no policy to match"
                : mx.MatchedPattern is { } pattern ? $"matches {pattern}" : "matches NO mx pattern";
            o.WriteLine($"{(mx.Passed(report.Policy) ? Ok : Bad)} {mx.Preference,3} {mx.Host} ({match})");
            if (mx.Error is not null)
            {
                o.WriteLine($"           {mx.Error}");
            }

            foreach (var address in mx.Addresses)
            {
                o.WriteLine($"           [{address.Address}] {DescribeProbe(address.Probe)}");
            }
        }

        o.WriteLine();
    }

    private static string DescribeProbe(MxTlsProbeResult p) => p switch
    {
        { Connected: false } => "cannot connect: " + p.Error,
        { StartTlsOffered: false } => "no STARTTLS (" + FailureType.StartTlsNotSupported.ToResultType() + ")",
        { TlsProtocol: null } => "STARTTLS failed: " + (p.Certificate?.Failure?.ToString() ?? p.Error),
        { Certificate.Failure: { } failure } => $"{p.TlsProtocol}, certificate invalid: {failure}",
        _ => $"STARTTLS {p.TlsProtocol} {p.CipherSuite}, certificate valid (expires {p.CertificateNotAfter:yyyy-MM-dd})",
    };

    private static void WriteTlsRpt(TextWriter o, TlsRptCheck tlsRpt)
    {
        o.WriteLine("TLS-RPT _smtp._tls");
        foreach (var record in tlsRpt.Records)
        {
            o.WriteLine($"       \"{record}\"");
        }

        o.WriteLine(tlsRpt.Valid ? $"{Ok} reports go to {string.Join(", ", tlsRpt.ReportUris)}" : $"{Warn} {tlsRpt.Problem}");
        o.WriteLine();
    }

    private static void WriteSummary(TextWriter o, CheckReport report)
    {
        foreach (var warning in report.Warnings)
        {
            o.WriteLine($"{Warn} {warning}");
        }

        foreach (var problem in report.Problems)
        {
            o.WriteLine($"{Bad} {problem}");
        }

        o.WriteLine(report.LookupError is { } error ? $"Result: could not complete the check: {error}"
            : report.Passed ? "Result: PASS — valid policy and every MX host passed"
            : $"Result: FAIL — {report.Problems.Count} problem(s)");
    }
}
