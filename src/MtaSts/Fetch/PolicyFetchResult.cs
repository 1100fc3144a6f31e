using MtaSts.Failures;
using MtaSts.Policy;

namespace MtaSts.Fetch;

/// <summary>The certificate the policy host presented, as <c>check</c> shows it.</summary>
/// <param name="Subject">Subject distinguished name.</param>
/// <param name="Issuer">Issuer distinguished name.</param>
/// <param name="NotAfter">Expiry.</param>
public sealed record PresentedCertificate(string Subject, string Issuer, DateTimeOffset NotAfter);

/// <summary>The outcome of one policy fetch: a policy, or a typed failure, plus what the server said.</summary>
/// <param name="Url">The URL fetched.</param>
/// <param name="Policy">The parsed policy on success.</param>
/// <param name="Failure">The failure (<c>sts-policy-fetch-error</c>, <c>sts-webpki-invalid</c> or <c>sts-policy-invalid</c>).</param>
/// <param name="StatusCode">The HTTP status, when a response arrived.</param>
/// <param name="ContentType">The Content-Type header, when a response arrived.</param>
/// <param name="BodyBytes">The body size, when it was read.</param>
/// <param name="Certificate">The server certificate, when the TLS handshake got that far.</param>
/// <param name="Body">The body text, when it was read and decoded (for <c>check</c>).</param>
public sealed record PolicyFetchResult(
    string Url,
    MtaStsPolicy? Policy,
    StsFailure? Failure,
    int? StatusCode = null,
    string? ContentType = null,
    int? BodyBytes = null,
    PresentedCertificate? Certificate = null,
    string? Body = null)
{
    /// <summary>True when a valid policy was fetched.</summary>
    public bool Succeeded => Policy is not null;
}
