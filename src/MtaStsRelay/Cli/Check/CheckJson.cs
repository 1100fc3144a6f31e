using System.Text.Json.Serialization;
using MtaSts.Check;
using MtaSts.Discovery;
using MtaSts.Failures;

namespace MtaStsRelay.Cli.Check;

/// <summary>
/// The <c>check --json</c> document. Its shape is a contract (docs/check.md): fields are only ever
/// added, never renamed or removed; <c>schema</c> changes if that promise must be broken.
/// </summary>
internal sealed record CheckJson(
    int Schema,
    string Domain,
    bool Passed,
    int ExitCode,
    TxtJson Txt,
    FetchJson? Fetch,
    PolicyJson? Policy,
    IReadOnlyList<MxJson> Mx,
    TlsRptJson TlsRpt,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Problems,
    string? LookupError)
{
    public static CheckJson From(CheckReport report, int exitCode) => new(
        1,
        report.Domain,
        report.Passed,
        exitCode,
        new TxtJson(StatusName(report.Txt.Status), report.Txt.Record?.Id, report.Txt.Records, report.Txt.Reason),
        report.Fetch is { } f ? new FetchJson(f.Url, f.Succeeded, f.StatusCode, f.ContentType, f.BodyBytes,
            f.Certificate is { } c ? new CertificateJson(c.Subject, c.Issuer, c.NotAfter) : null,
            f.Failure?.Type.ToResultType(), f.Failure?.Reason) : null,
        report.Policy is { } p ? new PolicyJson(p.Mode.ToString().ToLowerInvariant(), (long)p.MaxAge.TotalSeconds, p.Mx.Select(m => m.Pattern).ToList()) : null,
        report.MxHosts.Select(mx => new MxJson(mx.Host, mx.Preference, mx.MatchedPattern, mx.Passed(report.Policy), mx.Error,
            mx.Addresses.Select(a => AddressJson.From(a)).ToList())).ToList(),
        new TlsRptJson(report.TlsRpt.Valid, report.TlsRpt.Records, report.TlsRpt.ReportUris, report.TlsRpt.Problem),
        report.Warnings,
        report.Problems,
        report.LookupError);

    private static string StatusName(TxtDiscoveryStatus status) => status switch
    {
        TxtDiscoveryStatus.Found => "found",
        TxtDiscoveryStatus.NoRecord => "no-record",
        TxtDiscoveryStatus.Invalid => "invalid",
        _ => "dns-error",
    };
}

internal sealed record TxtJson(string Status, string? Id, IReadOnlyList<string> Records, string? Reason);

internal sealed record FetchJson(string Url, bool Ok, int? Status, string? ContentType, int? Bytes, CertificateJson? Certificate, string? FailureType, string? Reason);

internal sealed record CertificateJson(string Subject, string Issuer, DateTimeOffset NotAfter);

internal sealed record PolicyJson(string Mode, long MaxAge, IReadOnlyList<string> Mx);

internal sealed record MxJson(string Host, int Preference, string? MatchedPattern, bool Passed, string? Error, IReadOnlyList<AddressJson> Addresses);

internal sealed record AddressJson(
    string Address, bool Connected, bool StartTls, string? TlsProtocol, string? Cipher, bool CertificateValid,
    string? FailureType, string? Reason, CertificateJson? Certificate, bool Passed)
{
    public static AddressJson From(MxAddressCheck check)
    {
        var p = check.Probe;
        var certificate = p.CertificateSubject is not null
            ? new CertificateJson(p.CertificateSubject, p.CertificateIssuer ?? "", p.CertificateNotAfter ?? default)
            : null;
        var failure = p.Certificate?.Failure;
        var failureType = failure?.Type.ToResultType()
            ?? (p.Connected && !p.StartTlsOffered ? MtaSts.Failures.FailureType.StartTlsNotSupported.ToResultType() : null);
        return new AddressJson(check.Address, p.Connected, p.StartTlsOffered, p.TlsProtocol, p.CipherSuite,
            p.Certificate is { IsValid: true }, failureType, failure?.Reason ?? p.Error, certificate, p.Passed);
    }
}

internal sealed record TlsRptJson(bool Valid, IReadOnlyList<string> Records, IReadOnlyList<string> Rua, string? Problem);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CheckJson))]
internal sealed partial class CheckJsonContext : JsonSerializerContext;
