namespace LoadGenerator;

/// <summary>
/// The sink side's counters at one moment (SMTP sessions, policy fetches, DNS queries by type), so
/// the measured run can be reported without its warm-up.
/// </summary>
internal sealed record SinkCounters(int Sessions, int PolicyFetches, IReadOnlyDictionary<string, int> DnsQueries)
{
    public static SinkCounters Read(SinkDomain sink) => new(
        sink.MxServers.Sum(mx => mx.SessionCount),
        sink.Internet.Https.RequestCount(SinkDomain.PolicyHost),
        sink.Internet.Dns.Queries.GroupBy(q => q.Type.ToString().ToUpperInvariant()).ToDictionary(g => g.Key, g => g.Count()));

    public SinkCounters Since(SinkCounters before) => new(
        Sessions - before.Sessions,
        PolicyFetches - before.PolicyFetches,
        DnsQueries.ToDictionary(q => q.Key, q => q.Value - before.DnsQueries.GetValueOrDefault(q.Key)));

    public string DescribeDns() =>
        string.Join(", ", DnsQueries.Where(q => q.Value > 0).OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key} {q.Value}"));
}
