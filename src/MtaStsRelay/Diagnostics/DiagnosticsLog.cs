using Microsoft.Extensions.Logging;

namespace MtaStsRelay.Diagnostics;

/// <summary>Log events of the diagnostics endpoint, fixed event ids 4000–4099.</summary>
internal static partial class DiagnosticsLog
{
    [LoggerMessage(4000, LogLevel.Information, "metrics-listening endpoint=http://{EndPoint} paths=/metrics,/health")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(4001, LogLevel.Warning, "metrics-exposed endpoint={EndPoint}: /metrics and /health listen beyond loopback; restrict access with a firewall")]
    public static partial void NotLoopback(ILogger logger, string endPoint);

    [LoggerMessage(4002, LogLevel.Information, "metrics-stopped")]
    public static partial void Stopped(ILogger logger);
}
