using MailKit.Net.Smtp;
using MailKit.Security;
using MtaSts.Failures;

namespace MtaStsRelay.Transport;

/// <summary>
/// Reads what MailKit reported — an exception, the RCPT replies, the TLS state — into the
/// <see cref="AttemptState"/>, so that <see cref="SmtpTransport"/> only has to run the session.
/// </summary>
internal static class SessionOutcome
{
    /// <summary>Why greeting, EHLO or STARTTLS failed, typed after RFC 8460 where TLS is to blame.</summary>
    public static void RecordOpenFailure(
        Exception error, TlsRequirement tls, string mxHost, RelaySmtpClient client, AttemptState attempt, SmtpSessionRecorder recorder, TimeSpan commandTimeout)
    {
        switch (error)
        {
            case SslHandshakeException:
                var failure = client.Verdict?.Failure is { } certificateFailure && tls == TlsRequirement.Verified
                    ? certificateFailure
                    : new StsFailure(FailureType.ValidationFailure, $"TLS handshake with {mxHost} failed: {SessionErrors.InnermostMessage(error)}");
                attempt.FailSession($"TLS handshake failed: {failure}", failure);
                break;
            case NotSupportedException when tls == TlsRequirement.Verified && !recorder.StartTlsAdvertised:
                // RFC 8461 §4.2 / RFC 8460 starttls-not-supported: stop before MAIL FROM, no plain-text fallback.
                var noTls = new StsFailure(FailureType.StartTlsNotSupported, $"{mxHost} did not offer STARTTLS");
                attempt.FailSession(noTls.ToString(), noTls);
                break;
            case SmtpCommandException command when recorder.LastAnswered == "STARTTLS":
                var refused = new StsFailure(FailureType.StartTlsNotSupported,
                    $"{mxHost} refused STARTTLS: {(int)command.StatusCode} {AttemptState.OneLine(command.Message)}");
                attempt.RemoteReply = $"{(int)command.StatusCode} {AttemptState.OneLine(command.Message)}";
                attempt.FailSession(refused.ToString(), refused);
                break;
            case SmtpCommandException command:
                // A 5xx greeting or EHLO names no recipient: another MX, or later, may do better.
                attempt.RemoteReply = $"{(int)command.StatusCode} {AttemptState.OneLine(command.Message)}";
                attempt.FailSession($"server refused the session {recorder.DescribeAnswered()}: {attempt.RemoteReply}");
                break;
            default:
                attempt.FailSession(SessionErrors.DescribeSessionError(error, recorder.DescribePhase(), commandTimeout));
                break;
        }
    }

    /// <summary>The TLS facts for the attempt record: protocol, cipher, and whether the certificate verified.</summary>
    public static void RecordTls(RelaySmtpClient client, AttemptState attempt)
    {
        attempt.CertificateVerified = client.Verdict?.IsValid;
        if (client.IsConnected && client.IsSecure)
        {
            attempt.TlsProtocol = client.SslProtocol.ToString();
            attempt.CipherSuite = client.SslCipherSuite?.ToString();
        }
    }

    /// <summary>Belt and braces after the handshake: Verified needs TLS 1.2+ and a valid certificate, whatever SslStream agreed to.</summary>
    public static bool TlsSatisfies(RelaySmtpClient client, TlsRequirement tls, AttemptState attempt)
    {
        if (tls != TlsRequirement.Verified)
        {
            return true;
        }

        StsFailure? failure = null;
        if (!client.IsSecure || attempt.TlsProtocol is not ("Tls12" or "Tls13"))
        {
            failure = new StsFailure(FailureType.ValidationFailure, $"negotiated {attempt.TlsProtocol ?? "no TLS"}; MTA-STS requires TLS 1.2 or newer");
        }
        else if (client.Verdict is not { IsValid: true })
        {
            failure = client.Verdict?.Failure ?? new StsFailure(FailureType.ValidationFailure, "no certificate was validated");
        }

        if (failure is not null)
        {
            attempt.FailSession($"TLS requirement not met: {failure}", failure);
        }

        return failure is null;
    }

    /// <summary>Copies the RCPT replies MailKit reported into the attempt, by request position.</summary>
    public static void RecordRecipientReplies(RelaySmtpClient client, SmtpEnvelope envelope, AttemptState attempt) =>
        attempt.RecordRecipientReplies(i =>
            envelope.ByRequestIndex[i] is { } mailbox && client.RecipientReplies.TryGetValue(mailbox, out var reply) ? reply : null);

    /// <summary>
    /// A refusal of MAIL FROM, of DATA or of the message decides all open recipients; "no recipients
    /// accepted" leaves the RCPT replies. After a refused MAIL FROM the pipelined RCPT replies (503
    /// "need MAIL") say nothing about the recipients, so they are ignored: a 451 to MAIL must not
    /// become a permanent failure through them.
    /// </summary>
    public static void RecordTransactionRefusal(SmtpCommandException error, RelaySmtpClient client, SmtpEnvelope envelope, AttemptState attempt)
    {
        if (error.ErrorCode != SmtpErrorCode.SenderNotAccepted)
        {
            RecordRecipientReplies(client, envelope, attempt);
        }

        var anyAccepted = client.RecipientReplies.Values.Any(r => (int)r.StatusCode < 300);
        if (error.ErrorCode == SmtpErrorCode.MessageNotAccepted && !anyAccepted && client.RecipientReplies.Count > 0)
        {
            var last = client.RecipientReplies.Values.Last();
            attempt.RemoteReply = $"{(int)last.StatusCode} {AttemptState.OneLine(last.Response)}";
            attempt.FailSession("no recipient was accepted");
            return;
        }

        attempt.ApplyTransactionReply((int)error.StatusCode, error.Message);
        attempt.FailSession(error.ErrorCode == SmtpErrorCode.SenderNotAccepted
            ? $"sender refused: {attempt.RemoteReply}"
            : $"message refused: {attempt.RemoteReply}");
    }
}
