namespace MtaSts.Failures;

/// <summary>
/// Why an MTA-STS step failed, named after the result types of RFC 8460 §4.3 so that log lines,
/// errors and (later) TLS-RPT reports all use the same words.
/// </summary>
public enum FailureType
{
    /// <summary><c>sts-policy-fetch-error</c>: the policy could not be fetched (network, status, type, size, timeout, DNS).</summary>
    StsPolicyFetchError,

    /// <summary><c>sts-policy-invalid</c>: the policy was fetched but does not parse.</summary>
    StsPolicyInvalid,

    /// <summary><c>sts-webpki-invalid</c>: the policy host's certificate could not be validated.</summary>
    StsWebpkiInvalid,

    /// <summary><c>starttls-not-supported</c>: the MX did not offer STARTTLS.</summary>
    StartTlsNotSupported,

    /// <summary><c>certificate-host-mismatch</c>: the MX certificate is not valid for the MX host name.</summary>
    CertificateHostMismatch,

    /// <summary><c>certificate-expired</c>: the MX certificate is expired (or not yet valid).</summary>
    CertificateExpired,

    /// <summary><c>certificate-not-trusted</c>: the MX certificate does not chain to a trusted root.</summary>
    CertificateNotTrusted,

    /// <summary><c>validation-failure</c>: any other failure, including an MX that no policy pattern matches.</summary>
    ValidationFailure,
}

/// <summary>Conversions between <see cref="FailureType"/> and its RFC 8460 name.</summary>
public static class FailureTypeNames
{
    /// <summary>The RFC 8460 result-type string, e.g. <c>sts-policy-fetch-error</c>.</summary>
    public static string ToResultType(this FailureType type) => type switch
    {
        FailureType.StsPolicyFetchError => "sts-policy-fetch-error",
        FailureType.StsPolicyInvalid => "sts-policy-invalid",
        FailureType.StsWebpkiInvalid => "sts-webpki-invalid",
        FailureType.StartTlsNotSupported => "starttls-not-supported",
        FailureType.CertificateHostMismatch => "certificate-host-mismatch",
        FailureType.CertificateExpired => "certificate-expired",
        FailureType.CertificateNotTrusted => "certificate-not-trusted",
        FailureType.ValidationFailure => "validation-failure",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

/// <summary>A failure with its RFC 8460 type and a reason an admin can act on.</summary>
/// <param name="Type">The RFC 8460 result type.</param>
/// <param name="Reason">One sentence: what went wrong and, where possible, what to check.</param>
public sealed record StsFailure(FailureType Type, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type.ToResultType()}: {Reason}";
}
