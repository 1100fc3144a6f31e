using System.Net;
using System.Net.Sockets;

namespace MtaSts.Dns;

/// <summary>Parses configured name servers: <c>ip</c>, <c>ip:port</c>, <c>[ipv6]</c> or <c>[ipv6]:port</c>.</summary>
public static class NameServerAddress
{
    /// <summary>The DNS port used when a server is given without one.</summary>
    public const int DefaultPort = 53;

    /// <summary>Parses one server; returns false with a reason for anything that is not an IP literal with an optional port.</summary>
    public static bool TryParse(string? value, out IPEndPoint? endPoint, out string? error)
    {
        endPoint = null;
        error = null;
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "is empty";
            return false;
        }

        // IPAddress.Parse also takes "[v6]:port" (dropping the port), so brackets go to IPEndPoint.
        if (!text.StartsWith('[') && IPAddress.TryParse(text, out var bare) && IsDottedQuadOrV6(bare, text))
        {
            endPoint = new IPEndPoint(bare, DefaultPort);
            return true;
        }

        if (text.StartsWith('[') && text.EndsWith(']') && IPAddress.TryParse(text[1..^1], out var bracketed)
            && bracketed.AddressFamily == AddressFamily.InterNetworkV6)
        {
            endPoint = new IPEndPoint(bracketed, DefaultPort);
            return true;
        }

        if (IPEndPoint.TryParse(text, out var withPort) && withPort.Port != 0
            && IsDottedQuadOrV6(withPort.Address, text[..text.LastIndexOf(':')]))
        {
            endPoint = withPort;
            return true;
        }

        error = $"'{text}' is not an IP address with an optional port (e.g. 192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)";
        return false;
    }

    /// <summary>
    /// True for IPv6, and for IPv4 written in plain dotted-decimal form. IPAddress also accepts the
    /// inet_aton forms ("127.1", octal "010.0.0.1", even "5353" as 0.0.20.233), which in a config
    /// file are typos, not name servers.
    /// </summary>
    private static bool IsDottedQuadOrV6(IPAddress address, string written) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
        || (address.AddressFamily == AddressFamily.InterNetwork && address.ToString() == written);
}
