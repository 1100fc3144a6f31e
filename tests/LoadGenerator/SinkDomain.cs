using SimulatedInternet;

namespace LoadGenerator;

/// <summary>
/// The recipient side of the run, in this process: the simulated internet (DNS server, HTTPS policy
/// host, test CA) with one domain whose MX hosts are <see cref="TestMxServer"/>s and which publishes an
/// enforce policy, so every delivery takes the MTA-STS path (TXT, fetch, MX match, verified TLS).
/// </summary>
internal sealed class SinkDomain : IAsyncDisposable
{
    public const string Domain = "sink.test";
    public const string PolicyHost = "mta-sts." + Domain;

    private SinkDomain(TestInternet internet, IReadOnlyList<TestMxServer> mxServers)
    {
        Internet = internet;
        MxServers = mxServers;
    }

    public TestInternet Internet { get; }

    public IReadOnlyList<TestMxServer> MxServers { get; }

    /// <summary>Messages whose DATA reached a sink MX (cheap to read; no copy of the messages).</summary>
    public int Delivered => MxServers.Sum(mx => mx.DataAttempts);

    public static async Task<SinkDomain> StartAsync(int mxHosts, CancellationToken cancellationToken)
    {
        var internet = await TestInternet.StartAsync(cancellationToken);
        try
        {
            var servers = new List<TestMxServer>();
            var names = Enumerable.Range(1, mxHosts).Select(i => $"mx{i}.{Domain}").ToArray();
            foreach (var name in names)
            {
                // Equal preference: the relay spreads deliveries across them (RFC 5321 §5.1).
                servers.Add(await internet.AddMxHostAsync(Domain, 10, name, CertificateKind.Valid, cancellationToken));
            }

            internet.PublishPolicy(Domain, "load1", PolicyText.Enforce(names));
            return new SinkDomain(internet, servers);
        }
        catch
        {
            await internet.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Internet.DisposeAsync();
}
