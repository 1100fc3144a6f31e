using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MtaStsRelay.Configuration;
using MtaStsRelay.Control;
using MtaStsRelay.Delivery;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;
using MtaStsRelay.Transport;

namespace MtaStsRelay;

/// <summary>The composition root: every stage of the relay, in the order mail flows.</summary>
internal static class RelayServiceCollectionExtensions
{
    public static IServiceCollection AddRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRelayControl(configuration); // first: the spool lock is held before the spool is touched
        services.AddRelayCore(configuration, proactiveRefresh: true);
        services.AddRelayListener(configuration);
        services.AddRelayQueue(configuration);
        services.AddRelayTransport(configuration);
        services.AddRelayDelivery(configuration);
        return services;
    }
}
