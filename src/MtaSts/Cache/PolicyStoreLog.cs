using Microsoft.Extensions.Logging;

namespace MtaSts.Cache;

/// <summary>Log events of the policy cache's housekeeping (ids in the engine's 2000–2099 range, see docs/logging.md).</summary>
internal static partial class PolicyStoreLog
{
    [LoggerMessage(2014, LogLevel.Information, "MTA-STS policy cache housekeeping in {Folder}: removed {ExpiredEntries} entries expired before {Cutoff:u} and {TempFiles} leftover temporary files")]
    public static partial void HousekeepingRemoved(ILogger logger, string folder, int expiredEntries, DateTimeOffset cutoff, int tempFiles);

    [LoggerMessage(2015, LogLevel.Warning, "MTA-STS policy cache housekeeping could not clean up {What}: {Reason}; it is tried again at the next housekeeping")]
    public static partial void HousekeepingFailed(ILogger logger, string what, string reason);
}
