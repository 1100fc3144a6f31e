using Microsoft.Extensions.Logging;

namespace MtaSts;

/// <summary>
/// Every log event of the MTA-STS engine, with fixed event ids (2000–2099) so admins can filter on
/// them. Failure types use their RFC 8460 names.
/// </summary>
internal static partial class MtaStsLog
{
    [LoggerMessage(2000, LogLevel.Information, "MTA-STS policy fetched for {Domain}: id={PolicyId} mode={Mode} max_age={MaxAgeSeconds}s mx={MxPatterns}")]
    public static partial void PolicyFetched(ILogger logger, string domain, string policyId, string mode, long maxAgeSeconds, string mxPatterns);

    [LoggerMessage(2001, LogLevel.Warning, "MTA-STS policy fetch failed for {Domain} (id={PolicyId}): {FailureType}: {Reason}; {Consequence}")]
    public static partial void PolicyFetchFailed(ILogger logger, string domain, string policyId, string failureType, string reason, string consequence);

    [LoggerMessage(2002, LogLevel.Warning, "MTA-STS TXT record of {Domain} is {TxtState} while an unexpired policy (id={PolicyId}, mode={Mode}, expires {ExpiresAt:u}) is cached; keeping the cached policy (possible downgrade attempt): {Reason}")]
    public static partial void TxtGoneWhileCached(ILogger logger, string domain, string txtState, string policyId, string mode, DateTimeOffset expiresAt, string? reason);

    [LoggerMessage(2003, LogLevel.Warning, "MTA-STS cache entry {Path} is unreadable and is ignored: {Reason}")]
    public static partial void CorruptCacheEntry(ILogger logger, string path, string reason);

    [LoggerMessage(2004, LogLevel.Warning, "MTA-STS proactive refresh failed for {Domain} (cached mode={Mode}, expires {ExpiresAt:u}): {FailureType}: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, string domain, string mode, DateTimeOffset expiresAt, string failureType, string reason);

    [LoggerMessage(2005, LogLevel.Warning, "MTA-STS TXT lookup for {Domain} failed and nothing is cached: {Reason}; {Consequence}")]
    public static partial void DnsTrouble(ILogger logger, string domain, string reason, string consequence);

    [LoggerMessage(2006, LogLevel.Information, "MTA-STS policy for {Domain} has max_age 0: used for this delivery only, cached policy removed")]
    public static partial void PolicyRetired(ILogger logger, string domain);

    [LoggerMessage(2007, LogLevel.Debug, "MTA-STS proactive refresh of {Count} domain(s)")]
    public static partial void RefreshRound(ILogger logger, int count);

    [LoggerMessage(2008, LogLevel.Warning, "MTA-STS cache write failed for {Domain}: {Reason}; the policy is used from memory")]
    public static partial void CacheWriteFailed(ILogger logger, string domain, string reason);

    [LoggerMessage(2009, LogLevel.Warning, "MTA-STS TXT lookup for {Domain} failed: {Reason}; keeping the cached policy (id={PolicyId}, mode={Mode}) until it expires {ExpiresAt:u}")]
    public static partial void TxtLookupFailedWhileCached(ILogger logger, string domain, string reason, string policyId, string mode, DateTimeOffset expiresAt);

    [LoggerMessage(2010, LogLevel.Error, "MTA-STS proactive refresh of {Domain} failed unexpectedly; continuing with the next domain")]
    public static partial void RefreshDomainError(ILogger logger, string domain, Exception exception);

    [LoggerMessage(2011, LogLevel.Error, "MTA-STS proactive refresh round failed unexpectedly; the next round runs as scheduled")]
    public static partial void RefreshRoundError(ILogger logger, Exception exception);

    [LoggerMessage(2012, LogLevel.Warning, "MTA-STS proactive refresh of {Domain} could not look up the TXT record (cached mode={Mode}, expires {ExpiresAt:u}): {Reason}; the cached policy is kept")]
    public static partial void RefreshTxtLookupFailed(ILogger logger, string domain, string mode, DateTimeOffset expiresAt, string reason);

    [LoggerMessage(2013, LogLevel.Information, "MTA-STS proactive refresh: {Count} domain(s) with a policy fetched since {Since:u} found in the policy cache count as recently used")]
    public static partial void RefreshRemembered(ILogger logger, int count, DateTimeOffset since);

    [LoggerMessage(2014, LogLevel.Information, "MTA-STS policy cache housekeeping in {Folder}: removed {ExpiredEntries} entries expired before {Cutoff:u} and {TempFiles} leftover temporary files")]
    public static partial void HousekeepingRemoved(ILogger logger, string folder, int expiredEntries, DateTimeOffset cutoff, int tempFiles);

    [LoggerMessage(2015, LogLevel.Warning, "MTA-STS policy cache housekeeping could not clean up {What}: {Reason}; it is tried again at the next housekeeping")]
    public static partial void HousekeepingFailed(ILogger logger, string what, string reason);
}
