using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaSts;

namespace MtaStsRelay.Diagnostics;

/// <summary>
/// The opt-in HTTP endpoint (<c>Relay:Metrics</c>): Kestrel on one address, serving
/// <see cref="DiagnosticsHttpApplication"/>. When disabled nothing is created: no socket, no meter
/// listener. When enabled and the port cannot be bound, the relay does not start, as with the
/// SMTP listener: a monitoring endpoint that silently is not there is worse than a clear error.
/// </summary>
/// <remarks>
/// Kestrel rather than HttpListener: it binds port 0 and reports the port taken (tests need that),
/// has request limits and timeouts built in, and is the supported server on Linux. It runs as a
/// bare <see cref="KestrelServer"/> inside the relay's own host, so the relay keeps one
/// configuration, one logging setup and one lifetime, and no ASP.NET Core host defaults
/// (ASPNETCORE_URLS, its appsettings) can move or open the endpoint.
/// </remarks>
public sealed class DiagnosticsServer(
    IOptions<MetricsOptions> options,
    IServiceProvider services,
    IMeterFactory meterFactory,
    ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DiagnosticsServer>();
    private KestrelServer? _server;
    private PrometheusExporter? _exporter;

    /// <summary>The address and port listening (the real port when 0 was configured); null when disabled or stopped.</summary>
    public IPEndPoint? BoundEndPoint { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        // Resolved here so the queue gauges exist even before the first delivery.
        var metrics = services.GetRequiredService<RelayMetrics>();
        _exporter = new PrometheusExporter(instrument => ReferenceEquals(instrument.Meter.Scope, meterFactory)
            && instrument.Meter.Name is RelayMetrics.MeterName or MtaStsMetrics.MeterName);
        metrics.Announce();
        var application = new DiagnosticsHttpApplication(_exporter, services.GetRequiredService<RelayHealth>());
        var address = IPAddress.Parse(settings.Address);
        _server = CreateServer(address, settings.Port);
        try
        {
            await _server.StartAsync(application, cancellationToken);
        }
        catch (IOException e)
        {
            Dispose();
            throw new IOException($"{MetricsOptions.SectionName}: cannot listen on {new IPEndPoint(address, settings.Port)}: {e.Message}", e);
        }

        var bound = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        BoundEndPoint = new IPEndPoint(address, bound is null ? settings.Port : new Uri(bound).Port);
        DiagnosticsLog.Listening(_logger, BoundEndPoint.ToString());
        if (!IPAddress.IsLoopback(address))
        {
            DiagnosticsLog.NotLoopback(_logger, BoundEndPoint.ToString());
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
        {
            return;
        }

        await _server.StopAsync(cancellationToken);
        Dispose();
        DiagnosticsLog.Stopped(_logger);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _server?.Dispose();
        _server = null;
        _exporter?.Dispose();
        _exporter = null;
        BoundEndPoint = null;
    }

    private KestrelServer CreateServer(IPAddress address, int port)
    {
        // Small limits: the endpoint answers two GETs without bodies, to a scraper or a probe.
        var kestrel = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = services };
        kestrel.Limits.MaxConcurrentConnections = 16;
        kestrel.Limits.MaxRequestBodySize = 0;
        kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        kestrel.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http1);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory);
        return new KestrelServer(Options.Create(kestrel), transport, loggerFactory);
    }
}
