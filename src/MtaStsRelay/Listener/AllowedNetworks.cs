using System.Net;
using System.Net.Sockets;

namespace MtaStsRelay.Listener;

/// <summary>The client networks that may relay without authentication.</summary>
internal sealed class AllowedNetworks
{
    /// <summary>The widest IPv4 network accepted: a /8 is already 16 million addresses.</summary>
    public const int MinIPv4Prefix = 8;

    /// <summary>The widest IPv6 network accepted.</summary>
    public const int MinIPv6Prefix = 16;

    /// <summary>IPv6 ranges that carry IPv4 addresses: IPv4-mapped (RFC 4291 §2.5.5.2) and NAT64 (RFC 6052).</summary>
    private static readonly IPNetwork[] IPv4Embedding = [IPNetwork.Parse("::ffff:0:0/96"), IPNetwork.Parse("64:ff9b::/96")];

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
    /// True for a network so wide that allowing it would make an open relay: IPv4 wider than /8,
    /// IPv6 wider than /16, or an IPv6 range that covers IPv4 addresses wider than /8 (the
    /// IPv4-mapped ::ffff:0:0/96 and NAT64 64:ff9b::/96 ranges, or anything around them).
    /// </summary>
    public static bool IsTooWide(IPNetwork network)
    {
        if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
        {
            return network.PrefixLength < MinIPv4Prefix;
        }

        if (network.PrefixLength < MinIPv6Prefix)
        {
            return true;
        }

        // Compared bit by bit: IPNetwork.Contains treats IPv4-mapped addresses specially.
        return Array.Exists(IPv4Embedding, embedding => network.PrefixLength <= embedding.PrefixLength
            ? SamePrefix(network.BaseAddress, embedding.BaseAddress, network.PrefixLength)
            : SamePrefix(network.BaseAddress, embedding.BaseAddress, embedding.PrefixLength)
                && network.PrefixLength - embedding.PrefixLength < MinIPv4Prefix);
    }

    private static bool SamePrefix(IPAddress a, IPAddress b, int bits)
    {
        var x = a.GetAddressBytes();
        var y = b.GetAddressBytes();
        for (var i = 0; i < bits; i++)
        {
            var mask = 0x80 >> (i % 8);
            if ((x[i / 8] & mask) != (y[i / 8] & mask))
            {
                return false;
            }
        }

        return true;
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
