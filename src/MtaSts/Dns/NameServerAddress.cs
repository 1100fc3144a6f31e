using System.Net;

namespace MtaSts.Dns;

/// <summary>Parses configured name servers: <c>ip</c>, <c>ip:port</c> or <c>[ipv6]:port</c>.</summary>
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

        if (IPAddress.TryParse(text, out var bare) && !text.StartsWith('['))
        {
            endPoint = new IPEndPoint(bare, DefaultPort);
            return true;
        }

        if (IPEndPoint.TryParse(text, out var withPort) && withPort.Port != 0)
        {
            endPoint = withPort;
            return true;
        }

        error = $"'{text}' is not an IP address with an optional port (e.g. 192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)";
        return false;
    }
}
