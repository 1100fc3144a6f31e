using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MtaStsRelay.Listener;

/// <summary>Registers the listener: options and the <see cref="RelayListener"/> hosted service.</summary>
public static class ListenerServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ListenerOptions"/> from the <c>Relay</c> section of <paramref name="configuration"/>
    /// (the root configuration), validates it at start, and registers <see cref="RelayListener"/> as a
    /// singleton (so tests and diagnostics can read its bound end points) that is also the hosted
    /// service. Needs the queue: call <c>AddRelayQueue</c> too.
    /// </summary>
    public static IServiceCollection AddRelayListener(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ListenerOptions>()
            .Bind(configuration.GetSection(ListenerOptions.SectionName))
            .PostConfigure(ListenerOptions.ApplyDefaults)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ListenerOptions>, ListenerOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RelayListener>();
        services.AddHostedService(provider => provider.GetRequiredService<RelayListener>());
        return services;
    }
}
