using System.Globalization;
using System.Net.Sockets;
using MailKit.Net.Smtp;

namespace MtaStsRelay.Transport;

/// <summary>
/// Turns what broke a session into one sentence an admin can act on: "connection refused",
/// "timeout after 30s waiting for greeting", "connection closed by the server waiting for reply to RCPT".
/// </summary>
internal static class SessionErrors
{
    public static string DescribeConnectError(SocketException error) => error.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "connection timed out",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.ConnectionReset => "connection reset",
        SocketError.AddressFamilyNotSupported => "address family not supported on this host (no IPv6?)",
        _ => $"connection failed: {error.SocketErrorCode}",
    };

    /// <summary>Describes a network or protocol failure in the middle of a session.</summary>
    public static string DescribeSessionError(Exception error, string phase, TimeSpan commandTimeout)
    {
        if (Find<TimeoutException>(error) is not null || Find<SocketException>(error) is { SocketErrorCode: SocketError.TimedOut })
        {
            return $"timeout after {Describe(commandTimeout)} {phase}";
        }

        if (Find<SocketException>(error) is { } socket)
        {
            return $"{DescribeConnectError(socket)} {phase}";
        }

        if (error is SmtpProtocolException && error.Message.Contains("unexpectedly disconnected", StringComparison.OrdinalIgnoreCase))
        {
            return $"connection closed by the server {phase}";
        }

        return error is SmtpProtocolException
            ? $"SMTP protocol error {phase}: {InnermostMessage(error)}"
            : $"{error.GetType().Name} {phase}: {InnermostMessage(error)}";
    }

    /// <summary>The innermost message, which is where SslStream and sockets put the useful words.</summary>
    public static string InnermostMessage(Exception error) =>
        error.InnerException is null ? error.Message.TrimEnd('.') : InnermostMessage(error.InnerException);

    /// <summary>"30s", "2min", "1.5s": short enough for a log line.</summary>
    public static string Describe(TimeSpan span) =>
        span.TotalSeconds < 60 || span.Seconds != 0
            ? $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s"
            : $"{span.TotalMinutes.ToString("0.###", CultureInfo.InvariantCulture)}min";

    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }
        }

        return null;
    }
}
