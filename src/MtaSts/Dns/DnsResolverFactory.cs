using DnsClient;

namespace MtaSts.Dns;

/// <summary>
/// Builds the one DnsClient resolver used for every lookup (TXT, MX, A/AAAA, and the names HTTPS and
/// SMTP connect to), so a single setting points all of them at the same name servers.
/// </summary>
public static class DnsResolverFactory
{
    /// <summary>
    /// Creates a resolver for <paramref name="servers"/> (<c>ip</c> or <c>ip:port</c>); none means the
    /// system's name servers. DnsClient's own cache is off: it runs on the wall clock, and policy
    /// freshness is decided by our cache and <see cref="TimeProvider"/> instead.
    /// </summary>
    public static ILookupClient Create(IReadOnlyList<string>? servers, TimeSpan? timeout = null)
    {
        var endPoints = new List<NameServer>();
        foreach (var server in servers ?? [])
        {
            if (!NameServerAddress.TryParse(server, out var endPoint, out var error))
            {
                throw new ArgumentException($"DNS server {error}", nameof(servers));
            }

            endPoints.Add(new NameServer(endPoint!));
        }

        var options = endPoints.Count > 0 ? new LookupClientOptions([.. endPoints]) : new LookupClientOptions();
        options.UseCache = false;
        options.Timeout = timeout ?? TimeSpan.FromSeconds(5);
        options.Retries = 1;
        options.UseTcpFallback = true;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = true;
        options.ContinueOnEmptyResponse = false;
        return new LookupClient(options);
    }
}
