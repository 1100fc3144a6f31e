using MtaSts.Failures;

namespace MtaSts.Tls;

/// <summary>The outcome of validating a server certificate for a host name.</summary>
/// <param name="Failure">Null when the certificate is valid; otherwise the RFC 8460 type and reason.</param>
public sealed record CertificateVerdict(StsFailure? Failure)
{
    /// <summary>A certificate that chains to a trusted root, is in date and is valid for the host.</summary>
    public static CertificateVerdict Valid { get; } = new((StsFailure?)null);

    /// <summary>True when the certificate passed every check.</summary>
    public bool IsValid => Failure is null;
}
