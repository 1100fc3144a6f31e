using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaSts.Check;
using MtaSts.Tls;

namespace MtaStsRelay.Transport;

/// <summary>
/// The <c>check</c> command's look at one MX address: connect, EHLO, STARTTLS with TLS 1.2+, validate
/// the certificate for the MX name, QUIT. No mail is sent.
/// </summary>
/// <remarks>
/// The handshake accepts any certificate and reports the verdict instead, so an admin sees the
/// protocol, cipher and certificate details even of a host that would fail MTA-STS.
/// </remarks>
public sealed class StartTlsProbe : IMxTlsProbe
{
    private readonly CertificateValidator _validator;
    private readonly TimeProvider _time;
    private readonly TransportOptions _options;
    private readonly ILogger<StartTlsProbe> _logger;

    /// <summary>Creates the probe with the transport's validator and timeouts.</summary>
    public StartTlsProbe(CertificateValidator validator, TimeProvider time, IOptions<TransportOptions> options, ILogger<StartTlsProbe> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _validator = validator;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<MxTlsProbeResult> ProbeAsync(string mxHost, IPAddress address, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mxHost);
        ArgumentNullException.ThrowIfNull(address);
        var host = mxHost.TrimEnd('.');
        var recorder = new SmtpSessionRecorder(_logger, host);
        using var deadline = new CancellationTokenSource(_options.ConnectTimeout + _options.CommandTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // EHLO gives our address literal (MailKit's default without LocalDomain): the probe sends no mail.
        using var client = new RelaySmtpClient(recorder, _validator, host, SslProtocols.Tls12 | SslProtocols.Tls13, requireValidCertificate: false)
        {
            Timeout = (int)_options.CommandTimeout.TotalMilliseconds,
        };

        string? error = null;
        try
        {
            await ConnectSocketAsync(socket, address, port, linked.Token);
            await client.ConnectAsync(socket, host, port, SecureSocketOptions.StartTls, linked.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            error = DescribeProbeError(e, socket, recorder, deadline.IsCancellationRequested);
        }

        var result = ToResult(client, recorder, error);
        await QuitQuietlyAsync(client);
        TransportLog.ProbeFinished(_logger, host, address, port, result.Passed, result.TlsProtocol, result.Error);
        return result;
    }

    private async Task ConnectSocketAsync(Socket socket, IPAddress address, int port, CancellationToken ct)
    {
        using var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, connectTimeout.Token);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), linked.Token);
        }
        catch (OperationCanceledException) when (connectTimeout.IsCancellationRequested)
        {
            throw new TimeoutException($"timeout after {SessionErrors.Describe(_options.ConnectTimeout)} connecting");
        }
    }

    private string DescribeProbeError(Exception error, Socket socket, SmtpSessionRecorder recorder, bool deadlinePassed) => error switch
    {
        TimeoutException when !socket.Connected => error.Message,
        SocketException socketError when !socket.Connected => SessionErrors.DescribeConnectError(socketError),
        NotSupportedException when !recorder.StartTlsAdvertised => "STARTTLS not offered",
        SslHandshakeException => $"TLS handshake failed: {SessionErrors.InnermostMessage(error)}",
        SmtpCommandException command => $"server refused {recorder.DescribeAnswered()}: {(int)command.StatusCode} {AttemptState.OneLine(command.Message)}",
        OperationCanceledException when deadlinePassed => $"timeout after {SessionErrors.Describe(_options.ConnectTimeout + _options.CommandTimeout)} {recorder.DescribePhase()}",
        _ => SessionErrors.DescribeSessionError(error, recorder.DescribePhase(), _options.CommandTimeout),
    };

    private static MxTlsProbeResult ToResult(RelaySmtpClient client, SmtpSessionRecorder recorder, string? error)
    {
        var secure = client.IsConnected && client.IsSecure;
        var certificate = client.PeerCertificate;
        return new MxTlsProbeResult(
            Connected: recorder.GreetingReceived,
            StartTlsOffered: recorder.StartTlsAdvertised,
            TlsProtocol: secure ? client.SslProtocol.ToString() : null,
            CipherSuite: secure ? client.SslCipherSuite?.ToString() : null,
            Certificate: client.Verdict,
            CertificateSubject: certificate?.Subject,
            CertificateIssuer: certificate?.Issuer,
            CertificateNotAfter: certificate?.NotAfter,
            Error: error);
    }

    private async Task QuitQuietlyAsync(SmtpClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        using var quitTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(10, _options.CommandTimeout.TotalSeconds)), _time);
        try
        {
            await client.DisconnectAsync(quit: true, quitTimeout.Token);
        }
        catch (Exception)
        {
            // The probe's findings are complete; a failed QUIT changes none of them.
        }
    }
}
