using System.Net.Sockets;
using System.Reflection;
using SmtpServer.Net;

namespace MtaStsRelay.Listener;

/// <summary>
/// Turns Nagle's algorithm off for the sessions of an SmtpServer endpoint. SmtpServer 11.1 leaves it
/// on, and then a pipelining client (RFC 2920: MAIL and RCPT in one write, as Exchange and MailKit
/// do) gets the first reply at once but the second only when the client's ACK of the first comes
/// back, which the client's kernel delays by up to 40 ms (200 ms on Windows): a stall in every
/// transaction, measured in docs/benchmarks.md ("Relay throughput").
/// </summary>
/// <remarks>
/// The library keeps its <see cref="TcpListener"/> in a private field and offers no hook on accepted
/// sockets, so the option is set on the listening socket, from which accepted sockets inherit it
/// (Linux and Windows). If a later SmtpServer renames the field, nothing breaks: the caller logs that
/// replies may be slower, and a unit test fails on the upgrade.
/// </remarks>
internal static class ListenerNoDelay
{
    private static readonly FieldInfo? TcpListenerField =
        typeof(EndpointListener).GetField("_tcpListener", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <summary>Sets TCP_NODELAY on <paramref name="listener"/>'s socket; false when it is not SmtpServer's listener as we know it.</summary>
    public static bool TryApply(IEndpointListener listener)
    {
        if (listener is not EndpointListener || TcpListenerField?.GetValue(listener) is not TcpListener tcp)
        {
            return false;
        }

        tcp.Server.NoDelay = true;
        return true;
    }
}
