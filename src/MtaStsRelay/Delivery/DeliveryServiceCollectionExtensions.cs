using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MtaStsRelay.Delivery.Routing;

namespace MtaStsRelay.Delivery;

/// <summary>Registers the delivery stage: MX lookup, routing, per-domain delivery, bounces and the worker.</summary>
internal static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddRelayDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection("Relay:Delivery")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidation>();
        services.AddOptions<Dictionary<string, DomainOverrideOptions>>().Bind(configuration.GetSection("Relay:Domains")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Dictionary<string, DomainOverrideOptions>>, DomainOverridesValidation>();
        services.PostConfigure<DeliveryOptions>(o =>
        {
            if (string.IsNullOrWhiteSpace(o.HeloName))
            {
                o.HeloName = configuration["Relay:HostName"] is { Length: > 0 } host ? host : Environment.MachineName;
            }
        });

        // The host waits this long for hosted services to stop: the delivery worker's grace period.
        services.AddOptions<HostOptions>().Configure<IOptions<DeliveryOptions>>((host, delivery) => host.ShutdownTimeout = delivery.Value.ShutdownGrace + TimeSpan.FromSeconds(5));

        services.AddSingleton<MxLookup>();
        services.AddSingleton<DomainDelivery>();
        services.AddSingleton<BounceSender>();
        services.AddSingleton<MessageDelivery>();
        services.AddSingleton<DeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorker>());
        return services;
    }
}
