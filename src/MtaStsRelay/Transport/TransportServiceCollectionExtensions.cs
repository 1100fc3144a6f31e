using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MtaSts.Check;
using MtaSts.Tls;

namespace MtaStsRelay.Transport;

/// <summary>Registration of the outbound transport.</summary>
public static class TransportServiceCollectionExtensions
{
    /// <summary>The key naming a PEM bundle of extra trusted roots (see <see cref="CertificateValidator"/>).</summary>
    public const string TrustedRootsKey = "Relay:Tls:TrustedRoots";

    /// <summary>
    /// Registers <see cref="SmtpTransport"/> and <see cref="StartTlsProbe"/> (as <see cref="IMxTlsProbe"/>),
    /// with <see cref="TransportOptions"/> bound from <c>Relay:Delivery</c> and validated at start.
    /// A <see cref="CertificateValidator"/> and a <see cref="TimeProvider"/> are added unless
    /// already registered, so the policy fetch and the transport share one set of trusted roots.
    /// </summary>
    public static IServiceCollection AddRelayTransport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TransportOptions>()
            .Bind(configuration.GetSection(TransportOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => CertificateValidator.FromPemFile(configuration[TrustedRootsKey], sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<SmtpTransport>();
        services.TryAddSingleton<IMxTlsProbe, StartTlsProbe>();
        return services;
    }
}
