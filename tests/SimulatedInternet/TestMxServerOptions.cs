using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace SimulatedInternet;

/// <summary>How to start a <see cref="TestMxServer"/>.</summary>
public sealed record TestMxServerOptions
{
    /// <summary>The MX host name: used in the greeting and as the name of Valid/Expired/SelfSigned certificates.</summary>
    public string MxName { get; init; } = "mx.example.test";

    /// <summary>The STARTTLS certificate; <see cref="CertificateKind.None"/> means no STARTTLS at all.</summary>
    public CertificateKind Certificate { get; init; } = CertificateKind.Valid;

    /// <summary>A certificate (with private key) to use instead of <see cref="Certificate"/>.</summary>
    public X509Certificate2? CustomCertificate { get; init; }

    /// <summary>Address to bind: any 127.0.0.0/8 address works on Linux (see <see cref="LoopbackAddresses"/>).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Port to bind; 0 lets the OS choose.</summary>
    public int Port { get; init; }

    /// <summary>Announce SIZE and refuse bigger messages (552); null: no limit.</summary>
    public int? MaxMessageSize { get; init; }
}
