using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MtaStsRelay.Control;

/// <summary>Registers the operator control of a running relay: the spool lock and the control folder service.</summary>
internal static class ControlServiceCollectionExtensions
{
    /// <summary>
    /// Call first in the composition root: hosted services start in registration order, and the spool
    /// lock must be held before anything else touches the spool (and is released after everything).
    /// </summary>
    public static IServiceCollection AddRelayControl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddControlOptions(configuration);
        services.AddHostedService<ServiceLockHolder>();
        services.AddHostedService<ControlService>();
        return services;
    }

    /// <summary>Binds and validates <c>Relay:Control</c> (the commands need it without the services).</summary>
    public static IServiceCollection AddControlOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ControlOptions>().Bind(configuration.GetSection(ControlOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ControlOptions>, ControlOptionsValidation>());
        return services;
    }
}
