using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MtaStsRelay.Queue;

/// <summary>Registers the queue: options, <see cref="Spool"/> and <see cref="RetrySchedule"/>.</summary>
public static class QueueServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Relay:Spool</c> and <c>Relay:Queue</c> from <paramref name="configuration"/> (the root
    /// configuration), validates them at start, and registers <see cref="Spool"/> and
    /// <see cref="RetrySchedule"/> as singletons, plus <see cref="TimeProvider.System"/> unless a
    /// TimeProvider is registered already.
    /// </summary>
    public static IServiceCollection AddRelayQueue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SpoolOptions>()
            .Bind(configuration.GetSection(SpoolOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SpoolOptions>, SpoolOptionsValidator>());

        services.AddOptions<QueueOptions>()
            .Bind(configuration.GetSection(QueueOptions.SectionName))
            .PostConfigure(QueueOptions.ApplyDefaults)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueueOptions>, QueueOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Spool>();
        services.TryAddSingleton<RetrySchedule>();
        return services;
    }
}
