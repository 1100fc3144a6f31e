using System.Net;
using Microsoft.Extensions.Logging;

namespace MtaStsRelay.Transport;

/// <summary>
/// Log events of the transport, ids 1300–1399. Everything here is Debug: the delivery stage writes
/// the one Information line per attempt (mta-sts-rules.md §7); these lines are for tracing a session.
/// </summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug,
        Message = "SMTP session to {Mx} [{Address}]:{Port} starts, TLS {Tls}")]
    public static partial void SessionStarting(ILogger logger, string mx, IPAddress address, int port, TlsRequirement tls);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug,
        Message = "SMTP session to {Mx} [{Address}] ended: {Outcome}, TLS {TlsProtocol}, certificate verified {CertificateVerified}, failure {Failure}, reason {ErrorReason}, in {Duration}")]
    public static partial void SessionEnded(
        ILogger logger, string mx, IPAddress address, TransportOutcome outcome, string? tlsProtocol,
        bool? certificateVerified, string? failure, string? errorReason, TimeSpan duration);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Debug, Message = "{Mx} C: {Line}")]
    public static partial void ClientLine(ILogger logger, string mx, string line);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Debug, Message = "{Mx} S: {Line}")]
    public static partial void ServerLine(ILogger logger, string mx, string line);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Debug, Message = "{Mx} C: <message data, {Bytes} bytes>")]
    public static partial void ClientData(ILogger logger, string mx, long bytes);

    [LoggerMessage(EventId = 1320, Level = LogLevel.Debug, Message = "QUIT to {Mx} failed after the outcome was known: {Error}")]
    public static partial void QuitFailed(ILogger logger, string mx, string error);

    [LoggerMessage(EventId = 1330, Level = LogLevel.Debug,
        Message = "STARTTLS probe of {Mx} [{Address}]:{Port}: passed {Passed}, TLS {TlsProtocol}, error {Error}")]
    public static partial void ProbeFinished(ILogger logger, string mx, IPAddress address, int port, bool passed, string? tlsProtocol, string? error);
}
