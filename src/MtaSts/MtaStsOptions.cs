namespace MtaSts;

/// <summary>
/// Settings of the MTA-STS engine. The relay binds them from <c>Relay:MtaSts</c>; every default is
/// the safe choice for production.
/// </summary>
public sealed class MtaStsOptions
{
    /// <summary>The largest policy body accepted (RFC 8461 §3.3 suggests 64 KiB); larger is a failed fetch, never truncated.</summary>
    public const int MaxPolicyBytes = 64 * 1024;

    /// <summary>RFC 8461 §3.3: after a failed fetch, do not try the same domain and id again for at least this long.</summary>
    public static readonly TimeSpan MinimumFetchRetryBackoff = TimeSpan.FromMinutes(5);

    /// <summary>Folder of the persistent policy cache (one JSON file per domain). Default <c>policy-cache</c>.</summary>
    public string CachePath { get; set; } = "policy-cache";

    /// <summary>
    /// Limit for the whole policy fetch (connect, TLS, headers, body). The RFC suggests a minute; the
    /// default is lower so a first contact does not hold a delivery worker long.
    /// </summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>At most one <c>_mta-sts</c> TXT lookup per domain in this interval while a valid policy is cached.</summary>
    public TimeSpan TxtLookupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed fetch for a domain and id is not retried. At least 5 minutes (RFC 8461 §3.3).</summary>
    public TimeSpan FetchRetryBackoff { get; set; } = MinimumFetchRetryBackoff;

    /// <summary>
    /// When the TXT lookup fails (SERVFAIL, timeout) and nothing is cached: false (default, as the
    /// RFC says) delivers as if the domain had no policy; true defers delivery instead, for at most
    /// <see cref="DnsTroubleDeferLimit"/> from the first failure.
    /// </summary>
    public bool DeferOnDnsTrouble { get; set; }

    /// <summary>How long <see cref="DeferOnDnsTrouble"/> may hold a domain's mail before delivering without a policy.</summary>
    public TimeSpan DnsTroubleDeferLimit { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the proactive refresh runs (with jitter of up to a quarter of this).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A cached policy that expires within this window is refreshed ahead of time.</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Only domains used for delivery within this window are refreshed proactively.</summary>
    public TimeSpan RecentUseWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>TCP port of the HTTPS policy host. Always 443 in production; labs and tests change it.</summary>
    public int PolicyPort { get; set; } = 443;

    /// <summary>The User-Agent sent when none is configured, or when the configured one is not a valid header value.</summary>
    public const string DefaultUserAgent = "mtasts-relay/1.0 (MTA-STS policy fetcher)";

    /// <summary>
    /// User-Agent sent with policy fetches (RFC 8461 §3.3 does not require one; it helps policy host
    /// admins). Must be a valid HTTP User-Agent (products <c>name/version</c> and <c>(comments)</c>,
    /// RFC 9110 §10.1.5); see <see cref="IsValidUserAgent"/>.
    /// </summary>
    public string UserAgent { get; set; } = DefaultUserAgent;

    /// <summary>
    /// True when <paramref name="value"/> parses as a User-Agent header (one or more products and
    /// comments), e.g. <c>relay/1.0 (admin@example.com)</c>; false for e.g. <c>Relay 1.0 / admin@x</c>.
    /// </summary>
    public static bool IsValidUserAgent(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        using var probe = new System.Net.Http.HttpRequestMessage();
        return probe.Headers.UserAgent.TryParseAdd(value);
    }
}
