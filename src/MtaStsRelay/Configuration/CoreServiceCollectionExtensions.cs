using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MtaSts;
using MtaSts.Dns;
using MtaSts.Tls;

namespace MtaStsRelay.Configuration;

/// <summary>
/// What every command shares: the DNS resolver (<c>Relay:Dns</c>), outbound trust (<c>Relay:Tls</c>)
/// and the MTA-STS engine (<c>Relay:MtaSts</c>), each validated at start-up.
/// </summary>
internal static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddRelayCore(this IServiceCollection services, IConfiguration configuration, bool proactiveRefresh)
    {
        services.AddOptions<DnsOptions>().Bind(configuration.GetSection("Relay:Dns")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DnsOptions>, DnsOptionsValidation>();
        services.AddOptions<TlsOptions>().Bind(configuration.GetSection("Relay:Tls")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidation>();
        services.AddOptions<MtaStsOptions>().Bind(configuration.GetSection("Relay:MtaSts")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MtaStsOptions>, MtaStsOptionsValidation>();

        services.AddSingleton(sp =>
        {
            var dns = sp.GetRequiredService<IOptions<DnsOptions>>().Value;
            return DnsResolverFactory.Create(dns.Servers, dns.Timeout);
        });
        services.AddSingleton(sp => CertificateValidator.FromPemFile(
            sp.GetRequiredService<IOptions<TlsOptions>>().Value.TrustedRoots,
            sp.GetRequiredService<TimeProvider>()));
        services.AddMtaSts(proactiveRefresh);
        return services;
    }
}
