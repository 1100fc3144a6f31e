namespace MtaStsRelay.Diagnostics;

/// <summary>
/// <c>Relay:Metrics</c>: the opt-in HTTP endpoint serving <c>/metrics</c> (Prometheus) and
/// <c>/health</c>. Off by default; on, it listens on loopback unless told otherwise, because the
/// numbers name recipient domains' failure types and queue state an outsider has no need to see.
/// </summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Relay:Metrics";

    /// <summary>Serve the endpoint. Nothing listens when false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The IP address to listen on (0.0.0.0 or :: for every interface).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port (9425 by default; 0 lets the OS choose, for tests).</summary>
    public int Port { get; set; } = 9425;

    /// <summary>/health reports unhealthy when the oldest queued message is older than this.</summary>
    public TimeSpan MaxQueueAge { get; set; } = TimeSpan.FromDays(1);
}
