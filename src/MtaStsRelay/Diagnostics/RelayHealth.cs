using Microsoft.Extensions.Options;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Diagnostics;

/// <summary>
/// The three things that must hold for the relay to do its job, checked on every <c>/health</c>
/// request: the listener takes connections, the spool takes new files, and the queue is moving.
/// Each check is cheap (no network, one small file) so a load balancer may poll it often.
/// </summary>
internal sealed class RelayHealth(RelayListener listener, Spool spool, IOptions<MetricsOptions> options, TimeProvider time)
{
    public HealthReport Check() => new([CheckListener(), CheckSpool(), CheckQueue()]);

    /// <summary>Every endpoint bound, and the server still running (not stopped or faulted).</summary>
    private HealthCheck CheckListener()
    {
        var bound = listener.Listening.IsCompletedSuccessfully ? listener.BoundEndPoints : [];
        if (bound.Count == 0)
        {
            return new HealthCheck("listener", false, listener.Listening.IsFaulted ? "could not bind its endpoints" : "not listening yet");
        }

        return listener.ExecuteTask is { IsCompleted: true }
            ? new HealthCheck("listener", false, "stopped")
            : new HealthCheck("listener", true, "listening on " + string.Join(", ", bound));
    }

    /// <summary>
    /// Writes and deletes a probe in <c>tmp/</c>, where the spool writes every new entry first: a
    /// full disk, a read-only mount or lost permissions show here before a client hears 451. A
    /// probe left by a crash is removed by the next start's recovery, like any temp file.
    /// </summary>
    private HealthCheck CheckSpool()
    {
        var probe = Path.Combine(spool.TempFolder, $"health-{Guid.NewGuid():N}.probe");
        try
        {
            Directory.CreateDirectory(spool.TempFolder);
            using (var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.WriteByte(0);
                file.Flush(flushToDisk: true);
            }

            File.Delete(probe);
            return new HealthCheck("spool", true, "writable: " + spool.TempFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HealthCheck("spool", false, $"cannot write in {spool.TempFolder}: {e.Message}");
        }
    }

    /// <summary>The oldest queued message younger than <see cref="MetricsOptions.MaxQueueAge"/>: older means deliveries are stuck.</summary>
    private HealthCheck CheckQueue()
    {
        var (count, oldest) = spool.Census.Snapshot(); // one scan: count and age of the same moment
        var age = TimeSpan.FromSeconds(Math.Floor(RelayMetrics.OldestAge(oldest, time).TotalSeconds));
        var limit = options.Value.MaxQueueAge;
        var detail = $"{count} messages, oldest {age:c} (limit {limit:c})";
        return new HealthCheck("queue", age <= limit, detail);
    }
}

/// <summary>One check's verdict.</summary>
internal sealed record HealthCheck(string Name, bool Healthy, string Detail);

/// <summary>All checks; healthy when every one is.</summary>
internal sealed record HealthReport(IReadOnlyList<HealthCheck> Checks)
{
    public bool Healthy => Checks.All(c => c.Healthy);
}
