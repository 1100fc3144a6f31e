using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MtaStsRelay.Diagnostics;

/// <summary>Registers the relay's metrics and the opt-in <c>/metrics</c> and <c>/health</c> endpoint.</summary>
internal static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="RelayMetrics"/> (always: dotnet-counters and other listeners can read the
    /// meters with the endpoint off), binds and validates <c>Relay:Metrics</c>, and adds
    /// <see cref="DiagnosticsServer"/>, which listens only when <c>Relay:Metrics:Enabled</c> is true.
    /// The health checks read the listener and the spool, which AddRelay registers too.
    /// </summary>
    public static IServiceCollection AddRelayDiagnostics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RelayMetrics>();
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidation>());
        services.TryAddSingleton<RelayHealth>();
        services.TryAddSingleton<DiagnosticsServer>();
        services.AddHostedService(sp => sp.GetRequiredService<DiagnosticsServer>());
        return services;
    }
}
