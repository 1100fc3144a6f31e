using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LoadGenerator;

/// <summary>The figures of one run, printed as a Markdown table for docs/benchmarks.md.</summary>
internal sealed record LoadReport
{
    public required LoadOptions Options { get; init; }

    public required long MessageBytes { get; init; }

    public required SendResults Sent { get; init; }

    public required int Delivered { get; init; }

    public required TimeSpan DeliveredWithin { get; init; }

    public required int DeliveredOverTls { get; init; }

    public required RelayUsage Relay { get; init; }

    public required TimeSpan GeneratorCpu { get; init; }

    public required int SinkSessions { get; init; }

    public required int PolicyFetches { get; init; }

    public required string DnsQueries { get; init; }

    public required int SpoolEntriesLeft { get; init; }

    public bool Complete => Sent.Failed == 0 && Delivered >= Options.Messages;

    public string ToMarkdown()
    {
        var o = Options;
        var rows = new List<(string, string)>
        {
            ("Load", $"{o.Messages} messages × {MessageBytes} B, {o.Connections} connections, {o.MxHosts} sink MX"),
            ("Accepted (250 after fsync)", $"{Sent.Accepted} in {Seconds(Sent.Elapsed)} = **{Rate(Sent.Accepted, Sent.Elapsed)} msg/s**"),
            ("Delivered end to end", $"{Delivered} in {Seconds(DeliveredWithin)} = **{Rate(Delivered, DeliveredWithin)} msg/s**"),
            ("Accept latency, DATA end → 250", Percentiles(Sent.AcceptTicks)),
            ("Accept latency, whole MailKit Send", Percentiles(Sent.SendTicks)),
            ("Relay peak memory (VmHWM)", $"{Relay.PeakKib / 1024.0:F0} MiB (RSS at end {Relay.CurrentKib / 1024.0:F0} MiB)"),
            ("Relay CPU (user+sys)", $"{Seconds(Relay.Cpu)} = {PerMessage(Relay.Cpu)} ms/message"),
            ("Generator CPU (senders + sink)", $"{Seconds(GeneratorCpu)} = {PerMessage(GeneratorCpu)} ms/message"),
            ("Sink SMTP sessions", $"{SinkSessions}"),
            ("Delivered over TLS", $"{DeliveredOverTls}/{Delivered}"),
            ("Policy fetches / DNS queries", $"{PolicyFetches} / {DnsQueries}"),
            ("Failed sends", Sent.Failed == 0 ? "0" : $"{Sent.Failed} (first: {Sent.FirstError})"),
            ("Spool entries left", $"{SpoolEntriesLeft}"),
        };
        var text = new StringBuilder("| Metric | Value |\n|---|---|\n");
        foreach (var (name, value) in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {name} | {value} |\n");
        }

        return text.ToString();
    }

    private string PerMessage(TimeSpan cpu) => F(cpu.TotalMilliseconds / Math.Max(1, Options.Messages), "F2");

    private static string Percentiles(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return "-";
        }

        Array.Sort(ticks);
        return $"p50 {Ms(ticks, 0.50)} ms, p99 {Ms(ticks, 0.99)} ms, max {Ms(ticks, 1.0)} ms";
    }

    // Nearest rank: the smallest value with at least p of the samples at or below it.
    private static string Ms(long[] sorted, double p) =>
        F(sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency, "F1");

    private static string Seconds(TimeSpan t) => F(t.TotalSeconds, "F2") + " s";

    private static string Rate(int count, TimeSpan t) => t > TimeSpan.Zero ? F(count / t.TotalSeconds, "F0") : "-";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
