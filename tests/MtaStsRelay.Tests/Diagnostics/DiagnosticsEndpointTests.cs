using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using MtaStsRelay.Diagnostics;
using MtaStsRelay.Tests.EndToEnd;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Diagnostics;

/// <summary>
/// /metrics and /health on the whole relay, end to end on the simulated internet: a message goes
/// through, then the endpoint is read as Prometheus and a load balancer would read it.
/// </summary>
public sealed class DiagnosticsEndpointTests : IAsyncLifetime
{
    private const string Sender = "admin@sender.test";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Bound };
    private TestInternet _internet = null!;
    private RelayTestHost? _relay;

    public async Task InitializeAsync()
    {
        _internet = await TestInternet.StartAsync();
        await _internet.AddMxHostAsync("sender.test", 10, "mx.sender.test");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        await _internet.DisposeAsync();
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(Bound).Token;

    private async Task<RelayTestHost> StartRelayAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        _relay = await RelayTestHost.StartAsync(_internet, settings =>
        {
            settings["Relay:Metrics:Enabled"] = "true";
            settings["Relay:Metrics:Port"] = "0";
            configure?.Invoke(settings);
        });
        return _relay;
    }

    private static Uri Url(RelayTestHost relay, string path)
    {
        var endPoint = relay.Services.GetRequiredService<DiagnosticsServer>().BoundEndPoint!;
        return new Uri($"http://{endPoint}{path}");
    }

    private async Task<(HttpStatusCode Status, string Body, string? ContentType)> GetAsync(RelayTestHost relay, string path)
    {
        using var response = await _http.GetAsync(Url(relay, path), Timeout());
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    private async Task DeliveredAsync(RelayTestHost relay, string recipient)
    {
        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, [recipient]));
        // message-done comes after the attempt is logged and counted.
        await relay.WaitForDoneAsync(id, Timeout());
    }

    [Fact]
    public async Task Metrics_AfterDelivery_ShowsAcceptedSentAttemptAndPolicyFetch()
    {
        await _internet.AddMxHostAsync("enforce.test", 10, "mx1.enforce.test");
        _internet.PublishPolicy("enforce.test", "1", PolicyText.Enforce("mx1.enforce.test"));
        var relay = await StartRelayAsync();

        await DeliveredAsync(relay, "bob@enforce.test");
        var (status, body, contentType) = await GetAsync(relay, "/metrics");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", contentType);
        Assert.Contains("# TYPE mtasts_relay_messages_accepted_total counter\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_relay_messages_accepted_total 1\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_relay_delivery_attempts_total{result=\"sent\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_relay_delivery_attempt_duration_seconds_count{result=\"sent\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_relay_delivery_latency_seconds_count 1\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_policy_fetches_total{outcome=\"success\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_policy_lookups_total{source=\"fetched\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_relay_queue_messages 0\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_PolicyFetchFailed_CountedByOutcomeAndSource()
    {
        await _internet.AddMxHostAsync("broken.test", 10, "mx1.broken.test");
        _internet.PublishPolicy("broken.test", "1", PolicyResponse.Error(404));
        var relay = await StartRelayAsync();
        await DeliveredAsync(relay, "bob@broken.test");

        var body = (await GetAsync(relay, "/metrics")).Body;

        Assert.Contains("\nmtasts_policy_fetches_total{outcome=\"sts-policy-fetch-error\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_policy_lookups_total{source=\"none\"} 1\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_OverlongCommandLine_CountedAsLineTooLong()
    {
        var relay = await StartRelayAsync();
        using (var client = MtaStsRelay.Tests.Listener.RawSmtpClient.Connect(relay.SmtpEndPoint.Port))
        {
            await client.ReadReplyAsync(); // greeting
            await client.WriteOrClosedAsync("NOOP " + new string('x', 20_000));
            await client.ReadReplyOrClosedAsync();
        }

        var bound = Timeout();
        string body;
        while (!(body = (await GetAsync(relay, "/metrics")).Body).Contains("reason=\"line-too-long\"", StringComparison.Ordinal))
        {
            await Task.Delay(20, bound); // the refusal is counted on the session's side, maybe after the client saw the close
        }

        Assert.Contains("\nmtasts_relay_messages_refused_total{reason=\"line-too-long\"} 1\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_RelayDenied_CountedByReason()
    {
        // Only 10.0.0.0/8 may relay and no user can log in, so the client on 127.0.0.1 is refused before the greeting.
        var relay = await StartRelayAsync(s => s["Relay:AllowedNetworks:0"] = "10.0.0.0/8");

        await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => relay.SendAsync(Sender, ["bob@elsewhere.test"]));
        var body = (await GetAsync(relay, "/metrics")).Body;

        Assert.Contains("\nmtasts_relay_messages_refused_total{reason=\"relay-denied\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_relay_messages_accepted_total 0\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_RelayRunning_Returns200WithEveryCheck()
    {
        var relay = await StartRelayAsync();

        var (status, body, contentType) = await GetAsync(relay, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json; charset=utf-8", contentType);
        Assert.Contains("\"status\": \"healthy\"", body, StringComparison.Ordinal);
        foreach (var check in new[] { "listener", "spool", "queue" })
        {
            Assert.Contains($"\"name\": \"{check}\",\n      \"healthy\": true", body.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(relay.Spool.TempFolder)); // the probe is deleted
    }

    [Fact]
    public async Task Health_SpoolTmpIsAFile_Returns503()
    {
        var relay = await StartRelayAsync();
        Directory.Delete(relay.Spool.TempFolder, recursive: true);
        await File.WriteAllTextAsync(relay.Spool.TempFolder, "not a folder");

        var (status, body, _) = await GetAsync(relay, "/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("\"status\": \"unhealthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"spool\",\n      \"healthy\": false", body.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_OldestMessageOlderThanLimit_Returns503()
    {
        await _internet.AddMxHostAsync("strict.test", 10, "mx1.strict.test", CertificateKind.None);
        _internet.PublishPolicy("strict.test", "1", PolicyText.Enforce("mx1.strict.test"));
        var relay = await StartRelayAsync(s => s["Relay:Metrics:MaxQueueAge"] = "01:00:00");
        var id = RelayTestHost.QueueIdOf(await relay.SendAsync(Sender, ["bob@strict.test"]));
        await relay.WaitForAttemptAsync(id, "strict.test", "deferred", Timeout());
        await relay.WaitForDeferredAsync(id, Timeout());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(relay, "/health")).Status);

        relay.Time.Advance(TimeSpan.FromHours(2));
        var (status, body, _) = await GetAsync(relay, "/health");
        var metrics = (await GetAsync(relay, "/metrics")).Body;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("1 messages, oldest 02:00:00 (limit 01:00:00)", body, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_relay_queue_messages 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\nmtasts_relay_queue_oldest_age_seconds 7200\n", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/nothing-here", HttpStatusCode.NotFound)]
    [InlineData("POST", "/metrics", HttpStatusCode.MethodNotAllowed)]
    public async Task Endpoint_OtherPathOrMethod_Refused(string method, string path, HttpStatusCode expected)
    {
        var relay = await StartRelayAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), Url(relay, path));
        using var response = await _http.SendAsync(request, Timeout());

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Disabled_PortTaken_RelayStartsAndNothingListens()
    {
        // The default is off: the relay must not even try to bind, so a taken port is no problem.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        _relay = await RelayTestHost.StartAsync(_internet, s => s["Relay:Metrics:Port"] = port.ToString());

        Assert.Null(_relay.Services.GetRequiredService<DiagnosticsServer>().BoundEndPoint);
        Assert.DoesNotContain(_relay.Logs.Lines, l => l.EventId == 4000);
    }

    [Fact]
    public async Task Enabled_PortTaken_RelayFailsNamingTheSection()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => RelayTestHost.StartAsync(_internet, s =>
        {
            s["Relay:Metrics:Enabled"] = "true";
            s["Relay:Metrics:Port"] = port.ToString();
        }));

        Assert.Contains($"Relay:Metrics: cannot listen on 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
