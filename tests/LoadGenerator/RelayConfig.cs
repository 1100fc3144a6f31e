using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoadGenerator;

/// <summary>
/// The relay's configuration file for a run: listen on 127.0.0.1 (port 0), relay for 127.0.0.0/8,
/// spool and policy cache in the run's temp folder, and every outside dependency pointed at the
/// simulated internet in this process (DNS server, trusted test root, MX port, policy HTTPS port).
/// </summary>
internal static class RelayConfig
{
    public static string Write(string folder, SinkDomain sink)
    {
        var internet = sink.Internet;
        var relay = new JsonObject
        {
            ["HostName"] = "relay.load.test",
            ["Listen"] = new JsonArray(new JsonObject { ["Address"] = "127.0.0.1", ["Port"] = 0 }),
            ["AllowedNetworks"] = new JsonArray("127.0.0.0/8"),
            ["Spool"] = new JsonObject { ["Path"] = Path.Combine(folder, "spool") },
            ["Dns"] = new JsonObject { ["Servers"] = new JsonArray(internet.DnsAddress) },
            ["Tls"] = new JsonObject { ["TrustedRoots"] = internet.WriteRootPem(folder) },
            ["Delivery"] = new JsonObject
            {
                ["Port"] = internet.SmtpPort,
                ["HeloName"] = "relay.load.test",
            },
            ["MtaSts"] = new JsonObject
            {
                ["CachePath"] = Path.Combine(folder, "policy-cache"),
                ["PolicyPort"] = internet.HttpsPort,
            },
        };
        var path = Path.Combine(folder, "relay.json");
        File.WriteAllText(path, new JsonObject { ["Relay"] = relay }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
