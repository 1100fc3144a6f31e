using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MtaSts.Tls;
using MtaStsRelay.Transport;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Transport;

/// <summary>
/// What the transport tests share: one private CA (trusted through the validator's extra roots, never
/// the machine store), a unique temp folder for queued messages, and helpers to build requests.
/// </summary>
public sealed class TransportTestKit : IDisposable
{
    public const string Sender = "alice@local.example";

    private readonly string _dir = Directory.CreateTempSubdirectory("transport-tests-").FullName;

    public TestCertificateAuthority Authority { get; } = new();

    public CertificateValidator Validator => new([Authority.RootCertificate]);

    /// <summary>Short bounds: a broken server costs a test about a second, never minutes.</summary>
    public static TransportOptions Options(double commandSeconds = 10, double attemptSeconds = 30, double connectSeconds = 10) => new()
    {
        CommandTimeout = TimeSpan.FromSeconds(commandSeconds),
        AttemptTimeout = TimeSpan.FromSeconds(attemptSeconds),
        ConnectTimeout = TimeSpan.FromSeconds(connectSeconds),
    };

    public SmtpTransport Transport(TransportOptions? options = null, TimeProvider? time = null) =>
        new(Validator, time ?? TimeProvider.System, Microsoft.Extensions.Options.Options.Create(options ?? Options()), NullLogger<SmtpTransport>.Instance);

    public StartTlsProbe Probe(TransportOptions? options = null) =>
        new(Validator, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(options ?? Options()), NullLogger<StartTlsProbe>.Instance);

    public Task<TestMxServer> StartMxAsync(CertificateKind certificate, string mxName = "mx.remote.example") =>
        TestMxServer.StartAsync(new TestMxServerOptions { MxName = mxName, Certificate = certificate }, Authority);

    /// <summary>Writes a message file and returns its path.</summary>
    public string Queue(string content) => Queue(Encoding.UTF8.GetBytes(content));

    public string Queue(byte[] content)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.eml");
        File.WriteAllBytes(path, content);
        return path;
    }

    public TransportRequest Request(TestMxServer mx, TlsRequirement tls, params string[] recipients) =>
        Request(mx.MxName, mx.EndPoint, tls, recipients);

    public TransportRequest Request(string mxName, System.Net.IPEndPoint endPoint, TlsRequirement tls, params string[] recipients) => new(
        mxName, endPoint.Address, endPoint.Port, tls, Sender,
        recipients.Length == 0 ? ["bob@remote.example"] : recipients,
        Queue("From: alice@local.example\r\nTo: bob@remote.example\r\nSubject: test\r\n\r\nHello.\r\n"),
        "relay.local.example");

    public void Dispose()
    {
        Authority.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
