using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MtaSts.Failures;
using MtaSts.Tls;

namespace MtaStsRelay.Transport;

/// <summary>
/// One SMTP session to one MX address: connect, STARTTLS as required, send the queued bytes,
/// QUIT. It knows nothing of policies — a host, an address, a TLS requirement and a message go in;
/// an attempt result with the TLS facts and the RFC 8460 failure type comes out.
/// </summary>
/// <remarks>
/// <para>Network and protocol trouble never throws: it becomes a <see cref="TransportResult"/>
/// (classification in <see cref="AttemptState"/>). Only the caller's own cancellation throws.</para>
/// <para>Four clocks bound a session: <see cref="TransportOptions.ConnectTimeout"/> for TCP,
/// <see cref="TransportOptions.CommandTimeout"/> per read/write (MailKit's Timeout) up to the
/// transaction, <see cref="TransportOptions.DataTimeout"/> per read/write from MAIL to the final
/// reply, and <see cref="TransportOptions.AttemptTimeout"/> for the whole session.</para>
/// <para>8BITMIME: the bytes go as queued. MailKit declares BODY=8BITMIME when a MIME part says
/// Content-Transfer-Encoding: 8bit and the server offers 8BITMIME; when the server does not offer it,
/// 8-bit content is still sent unchanged rather than converted (RFC 6152 §3 would have us convert or
/// bounce; converting breaks DKIM signatures, and servers without 8BITMIME accept 8-bit data in
/// practice — Postfix behaves the same with its MIME conversion off).</para>
/// </remarks>
public sealed class SmtpTransport
{
    private readonly CertificateValidator _validator;
    private readonly TimeProvider _time;
    private readonly TransportOptions _options;
    private readonly ILogger<SmtpTransport> _logger;

    /// <summary>Creates the transport; it holds no connection state and is safe to share.</summary>
    public SmtpTransport(CertificateValidator validator, TimeProvider time, IOptions<TransportOptions> options, ILogger<SmtpTransport> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _validator = validator;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Runs one session and reports what happened; throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<TransportResult> SendAsync(TransportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfZero(request.Recipients.Count);

        var started = _time.GetTimestamp();
        var mxHost = request.MxHost.TrimEnd('.');
        var attempt = new AttemptState(request.Recipients);
        var recorder = new SmtpSessionRecorder(_logger, mxHost);
        TransportLog.SessionStarting(_logger, mxHost, request.Address, request.Port, request.Tls);

        using var deadline = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await SendMessageFileAsync(request, mxHost, attempt, recorder, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            attempt.FailSession($"timeout after {SessionErrors.Describe(_options.AttemptTimeout)} for the whole session, {recorder.DescribePhase()}");
        }

        var result = attempt.ToResult(_time.GetElapsedTime(started));
        TransportLog.SessionEnded(_logger, mxHost, request.Address, result.Outcome, result.TlsProtocol,
            result.CertificateVerified, result.Failure?.ToString(), result.ErrorReason, result.Duration);
        return result;
    }

    /// <summary>Opens the queued file (kept open: the parsed parts point into it) and runs the session.</summary>
    private async Task SendMessageFileAsync(TransportRequest request, string mxHost, AttemptState attempt, SmtpSessionRecorder recorder, CancellationToken ct)
    {
        var envelope = SmtpEnvelope.Create(request.Sender, request.Recipients);
        if (!RefuseUnusableAddresses(request, envelope, attempt))
        {
            return;
        }

        FileStream file;
        MimeMessage message;
        try
        {
            file = new FileStream(request.MessagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            attempt.FailSession($"cannot read the queued message: {e.Message}");
            return;
        }

        await using (file)
        {
            try
            {
                message = await MimeMessage.LoadAsync(file, persistent: true, ct);
            }
            catch (Exception e) when (e is IOException or FormatException)
            {
                attempt.FailSession($"cannot parse the queued message: {e.Message}");
                return;
            }

            using (message)
            {
                await RunSessionAsync(request, mxHost, envelope, message, attempt, recorder, ct);
            }
        }
    }

    /// <summary>Refuses recipients whose syntax MimeKit cannot write; false when nothing is left to send.</summary>
    private static bool RefuseUnusableAddresses(TransportRequest request, SmtpEnvelope envelope, AttemptState attempt)
    {
        if (envelope.Sender is null)
        {
            attempt.FailSession($"the envelope sender <{request.Sender}> cannot be written in SMTP");
            attempt.ApplyTransactionReply(553, $"5.1.7 unusable sender address syntax <{request.Sender}>");
            attempt.RemoteReply = null;
            return false;
        }

        for (var i = 0; i < request.Recipients.Count; i++)
        {
            if (envelope.ByRequestIndex[i] is null)
            {
                attempt.RejectRecipient(i, RecipientOutcome.PermanentFailure, $"unusable recipient address syntax <{request.Recipients[i]}>");
            }
        }

        return envelope.Distinct.Count > 0;
    }

    private async Task RunSessionAsync(
        TransportRequest request, string mxHost, SmtpEnvelope envelope, MimeMessage message,
        AttemptState attempt, SmtpSessionRecorder recorder, CancellationToken ct)
    {
        using var socket = await ConnectSocketAsync(request, attempt, ct);
        if (socket is null)
        {
            return;
        }

        attempt.Connected = true;
        using var client = new RelaySmtpClient(recorder, request.Tls, _validator, mxHost)
        {
            LocalDomain = request.LocalDomain,
            Timeout = (int)_options.CommandTimeout.TotalMilliseconds,
        };
        try
        {
            if (await OpenSessionAsync(client, socket, request, mxHost, attempt, recorder, ct))
            {
                await TransferAsync(client, envelope, message, attempt, recorder, ct);
            }
        }
        finally
        {
            await QuitQuietlyAsync(client, mxHost);
        }
    }

    private async Task<Socket?> ConnectSocketAsync(TransportRequest request, AttemptState attempt, CancellationToken ct)
    {
        var socket = new Socket(request.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, connectTimeout.Token);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(request.Address, request.Port), linked.Token);
            return socket;
        }
        catch (OperationCanceledException) when (connectTimeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            attempt.FailSession($"timeout after {SessionErrors.Describe(_options.ConnectTimeout)} connecting");
        }
        catch (SocketException e)
        {
            attempt.FailSession(SessionErrors.DescribeConnectError(e));
        }
        finally
        {
            if (!socket.Connected)
            {
                socket.Dispose();
            }
        }

        return null;
    }

    /// <summary>Greeting, EHLO and STARTTLS as required; false (with the reason recorded) when the session must not carry mail.</summary>
    private async Task<bool> OpenSessionAsync(
        RelaySmtpClient client, Socket socket, TransportRequest request, string mxHost,
        AttemptState attempt, SmtpSessionRecorder recorder, CancellationToken ct)
    {
        try
        {
            await client.ConnectAsync(socket, mxHost, request.Port, SocketOptionsFor(request.Tls), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SessionOutcome.RecordTls(client, attempt);
            SessionOutcome.RecordOpenFailure(e, request.Tls, mxHost, client, attempt, recorder, _options.CommandTimeout);
            return false;
        }

        SessionOutcome.RecordTls(client, attempt);
        return SessionOutcome.TlsSatisfies(client, request.Tls, attempt);
    }

    private async Task TransferAsync(
        RelaySmtpClient client, SmtpEnvelope envelope, MimeMessage message, AttemptState attempt, SmtpSessionRecorder recorder, CancellationToken ct)
    {
        var transferTimeout = _options.DataTimeout > _options.CommandTimeout ? _options.DataTimeout : _options.CommandTimeout;
        client.Timeout = (int)transferTimeout.TotalMilliseconds;
        try
        {
            var reply = await client.SendAsync(SmtpEnvelope.RelayFormat(), message, envelope.Sender!, envelope.Distinct, ct);
            SessionOutcome.RecordRecipientReplies(client, envelope, attempt);
            attempt.ApplyTransactionReply(250, reply);
        }
        catch (OperationCanceledException)
        {
            SessionOutcome.RecordRecipientReplies(client, envelope, attempt);
            throw;
        }
        catch (SmtpCommandException e)
        {
            SessionOutcome.RecordTransactionRefusal(e, client, envelope, attempt);
        }
        catch (Exception e)
        {
            SessionOutcome.RecordRecipientReplies(client, envelope, attempt);
            attempt.FailSession(SessionErrors.DescribeSessionError(e, recorder.DescribePhase(), transferTimeout));
        }
        finally
        {
            client.Timeout = (int)_options.CommandTimeout.TotalMilliseconds; // QUIT is a command again
        }
    }

    private static SecureSocketOptions SocketOptionsFor(TlsRequirement tls) => tls switch
    {
        TlsRequirement.Verified => SecureSocketOptions.StartTls,
        TlsRequirement.Opportunistic => SecureSocketOptions.StartTlsWhenAvailable,
        _ => SecureSocketOptions.None,
    };

    /// <summary>QUIT once the outcome is known; its failure changes nothing (RFC 5321 §4.1.1.10), so it is only logged.</summary>
    private async Task QuitQuietlyAsync(SmtpClient client, string mxHost)
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
        catch (Exception e)
        {
            TransportLog.QuitFailed(_logger, mxHost, e.Message);
        }
    }
}
