using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MtaStsRelay.Configuration;
using MtaStsRelay.Control;
using MtaStsRelay.Delivery;
using MtaStsRelay.Diagnostics;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;
using MtaStsRelay.Transport;

namespace MtaStsRelay;

/// <summary>The composition root: every stage of the relay.</summary>
internal static class RelayServiceCollectionExtensions
{
    public static IServiceCollection AddRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRelayControl(configuration); // first: the spool lock is held before the spool is touched
        services.AddRelayCore(configuration, proactiveRefresh: true);
        services.AddRelayQueue(configuration);
        services.AddRelayTransport(configuration);
        services.AddRelayDelivery(configuration);
        // Before the listener: /metrics and /health start first and stop last, so a scrape or a
        // load balancer sees the listener stop (503) while deliveries finish.
        services.AddRelayDiagnostics(configuration);
        // Registered last on purpose: hosted services stop in reverse order, so on SIGTERM the
        // listener stops accepting first, then running deliveries get their grace period.
        services.AddRelayListener(configuration);
        return services;
    }
}
