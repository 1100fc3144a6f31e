using System.Net;

namespace MtaStsRelay.Listener;

/// <summary>The client networks that may relay without authentication.</summary>
internal sealed class AllowedNetworks
{
    private readonly IPNetwork[] networks;

    public AllowedNetworks(IEnumerable<string> cidrs)
    {
        networks = [.. cidrs.Select(cidr => TryParse(cidr, out var network)
            ? network
            : throw new FormatException($"'{cidr}' is not a CIDR network"))];
    }

    /// <summary>Parses <c>address/prefix</c>, IPv4 or IPv6; surrounding spaces are allowed.</summary>
    public static bool TryParse(string? cidr, out IPNetwork network)
    {
        network = default;
        return cidr is not null && IPNetwork.TryParse(cidr.Trim(), out network);
    }

    /// <summary>
    /// True when <paramref name="client"/> is in one of the networks. An IPv4-mapped IPv6 address
    /// (a v4 client on a dual-stack socket) is compared as the IPv4 address it stands for.
    /// </summary>
    public bool Contains(IPAddress? client)
    {
        if (client is null)
        {
            return false;
        }

        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        return Array.Exists(networks, network => network.Contains(address) || network.Contains(client));
    }
}
