using System.Diagnostics.Metrics;
using DnsClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaSts.Cache;
using MtaSts.Discovery;
using MtaSts.Dns;
using MtaSts.Fetch;
using MtaSts.Resolution;
using MtaSts.Tls;

namespace MtaSts;

/// <summary>Registers the MTA-STS engine in a host.</summary>
public static class MtaStsServiceCollectionExtensions
{
    /// <summary>
    /// Adds discovery, fetch, the persistent cache, the resolver and the proactive refresh. The host
    /// supplies <see cref="ILookupClient"/> (its name servers), <see cref="CertificateValidator"/> (its
    /// trust) and <see cref="MtaStsOptions"/> through the options system.
    /// </summary>
    public static IServiceCollection AddMtaSts(this IServiceCollection services, bool proactiveRefresh = true)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new HostAddressResolver(sp.GetRequiredService<ILookupClient>()));
        services.TryAddSingleton(sp => new StsTxtDiscovery(sp.GetRequiredService<ILookupClient>()));
        services.TryAddSingleton(sp => new PolicyFetcher(
            sp.GetRequiredService<HostAddressResolver>(),
            sp.GetRequiredService<CertificateValidator>(),
            sp.GetRequiredService<IOptions<MtaStsOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IPolicyStore>(sp => new FilePolicyStore(
            sp.GetRequiredService<IOptions<MtaStsOptions>>().Value.CachePath,
            sp.GetRequiredService<ILogger<FilePolicyStore>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new PolicyCache(
            sp.GetRequiredService<IPolicyStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PolicyCache>>()));
        services.TryAddSingleton(sp => new PolicyResolver(
            sp.GetRequiredService<StsTxtDiscovery>(),
            sp.GetRequiredService<PolicyFetcher>(),
            sp.GetRequiredService<PolicyCache>(),
            sp.GetRequiredService<IOptions<MtaStsOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PolicyResolver>>(),
            sp.GetService<IMeterFactory>()));
        if (proactiveRefresh)
        {
            services.AddHostedService<PolicyRefreshService>();
        }

        return services;
    }
}
