namespace MtaStsRelay.Configuration;

/// <summary><c>Relay:Dns</c>: the name servers behind every lookup (MX, A/AAAA, TXT, policy and MX host names).</summary>
public sealed class DnsOptions
{
    /// <summary>Name servers as <c>ip</c> or <c>ip:port</c>; empty = the system's resolvers.</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>Timeout of one DNS query (each is tried twice).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
