using System.Collections.Concurrent;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SimulatedInternet;

/// <summary>
/// One in-process Kestrel on 127.0.0.1 (OS-chosen port) playing every <c>mta-sts.&lt;domain&gt;</c> policy
/// host at once: the certificate is picked per SNI name, the answer per Host header. Only
/// <c>/.well-known/mta-sts.txt</c> on hosts given to <see cref="Serve(string, PolicyResponse)"/> is
/// answered; everything else gets 404. Nothing is logged.
/// </summary>
public sealed class PolicyHttpsHost : IAsyncDisposable
{
    /// <summary>The policy path of RFC 8461 §3.3.</summary>
    public const string PolicyPath = "/.well-known/mta-sts.txt";

    private readonly ConcurrentDictionary<string, PolicyResponse> _responses = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<PolicyRequestLogEntry> _requests = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ServerCertificates _certificates;
    private WebApplication? _app;
    private int _disposed;

    private PolicyHttpsHost(TestCertificateAuthority authority)
    {
        _certificates = new ServerCertificates(authority);
    }

    /// <summary>The bound port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>127.0.0.1 and <see cref="Port"/>.</summary>
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>A snapshot of every request answered so far, oldest first.</summary>
    public IReadOnlyList<PolicyRequestLogEntry> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts the host; certificates come from <paramref name="authority"/>.</summary>
    public static async Task<PolicyHttpsHost> StartAsync(TestCertificateAuthority authority, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var host = new PolicyHttpsHost(authority);
        try
        {
            await host.StartKestrelAsync(cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Serves <paramref name="response"/> for <paramref name="host"/> (replacing any earlier one).</summary>
    public void Serve(string host, PolicyResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _responses[Normalize(host)] = response;
    }

    /// <summary>Serves <paramref name="policyText"/> as a 200 text/plain policy for <paramref name="host"/>.</summary>
    public void Serve(string host, string policyText) => Serve(host, PolicyResponse.Ok(policyText));

    /// <summary>The response currently served for <paramref name="host"/>, if any.</summary>
    public PolicyResponse? GetResponse(string host) => _responses.TryGetValue(Normalize(host), out var response) ? response : null;

    /// <summary>Stops serving <paramref name="host"/> (its requests get 404 again).</summary>
    public bool Remove(string host) => _responses.TryRemove(Normalize(host), out _);

    /// <summary>How many requests (any path) arrived with this Host header.</summary>
    public int RequestCount(string host)
    {
        var key = Normalize(host);
        lock (_requests)
        {
            return _requests.Count(r => r.Host == key);
        }
    }

    /// <summary>The policy URL for <paramref name="host"/> on this host's port.</summary>
    public Uri PolicyUri(string host) => new($"https://{Normalize(host)}:{Port}{PolicyPath}");

    /// <summary>Cuts pending delays short, stops Kestrel and disposes the certificates.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        _certificates.Dispose();
        _stopping.Dispose();
    }

    private static string Normalize(string host) => host.Trim().TrimEnd('.').ToLowerInvariant();

    private async Task StartKestrelAsync(CancellationToken cancellationToken)
    {
        // The empty builder adds no configuration files (no file watchers) and no logging providers.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ServerCertificateSelector = (_, serverName) => SelectCertificate(serverName),
            }));
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Port = new Uri(address).Port;
    }

    private X509Certificate2? SelectCertificate(string? serverName)
    {
        // No SNI (a client connecting by IP) still gets a CA-issued certificate, for "localhost".
        var host = string.IsNullOrEmpty(serverName) ? "localhost" : Normalize(serverName);
        _responses.TryGetValue(host, out var response);
        return response?.CustomCertificate ?? _certificates.For(host, response?.Certificate ?? CertificateKind.Valid);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var host = Normalize(context.Request.Host.Host);
        var path = context.Request.Path.Value ?? "";
        var response = path == PolicyPath && _responses.TryGetValue(host, out var served)
            ? served
            : PolicyResponse.Error(StatusCodes.Status404NotFound);
        lock (_requests)
        {
            var serverName = context.Features.Get<ITlsHandshakeFeature>()?.HostName;
            _requests.Add(new PolicyRequestLogEntry(host, path, serverName, response.Status));
        }

        var hold = response.HoldUntil ?? (response.Delay > TimeSpan.Zero ? Task.Delay(response.Delay) : null);
        if (hold is not null && !await HoldAsync(hold, context.RequestAborted))
        {
            // Shutting down (or the client left): drop the connection rather than send an empty 200.
            context.Abort();
            return;
        }

        await WriteAsync(context.Response, response);
    }

    private async Task<bool> HoldAsync(Task hold, CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _stopping.Token);
        try
        {
            await hold.WaitAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task WriteAsync(HttpResponse http, PolicyResponse response)
    {
        var body = response.RenderBody();
        http.StatusCode = response.Status;
        http.ContentType = response.ContentType;
        if (response.Location is not null)
        {
            http.Headers.Location = response.Location;
        }

        http.ContentLength = body.Length;
        await http.Body.WriteAsync(body);
    }
}
