using System.Diagnostics;
using System.Security.Authentication;

namespace LoadGenerator;

/// <summary>
/// One run: sink domain up, relay process up, a warm-up, then the measured send and the wait for
/// every accepted message to reach the sink. Bounded by <see cref="LoadOptions.Timeout"/>; the relay
/// process and the temp folder (config, spool, policy cache, relay log) are always cleaned up.
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadReport> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("relay-load-").FullName;
        try
        {
            var dll = options.RelayDll ?? await RelayPublisher.PublishAsync(Path.Combine(folder, "publish"), cancellationToken);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(options.Timeout);
            await using var sink = await SinkDomain.StartAsync(options.MxHosts, bound.Token);
            await using var relay = await RelayProcess.StartAsync(
                dll, RelayConfig.Write(folder, sink), options, Path.Combine(folder, "relay.log"), bound.Token);
            Console.WriteLine($"Relay pid {relay.Id} listening on {await relay.EndPoint}; sink MX on port {sink.Internet.SmtpPort}");
            return await MeasureAsync(options, sink, relay, folder, bound.Token);
        }
        finally
        {
            var log = Path.Combine(folder, "relay.log");
            if (options.RelayLog is not null && File.Exists(log))
            {
                File.Copy(log, options.RelayLog, overwrite: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<LoadReport> MeasureAsync(LoadOptions options, SinkDomain sink, RelayProcess relay, string folder, CancellationToken cancellationToken)
    {
        var sender = new LoadSender(await relay.EndPoint, options.Size);
        // At least one message, so the policy is fetched and cached before measuring; then until the
        // warm-up time is over (the relay's tiered JIT needs tens of seconds of load to settle).
        var warmup = await sender.RunAsync(LoadOptions.MaxMessages, options.Connections, cancellationToken, DateTimeOffset.UtcNow + options.Warmup);
        if (warmup.Failed > 0 || !await WaitForDeliveriesAsync(sink, warmup.Accepted, cancellationToken))
        {
            throw new InvalidOperationException($"warm-up failed: {warmup.Failed} refused ({warmup.FirstError}), {sink.Delivered} delivered; see {relay.LogPath}");
        }

        var sinkBefore = SinkCounters.Read(sink);
        var relayBefore = relay.ReadUsage();
        var generatorBefore = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine($"Warm-up done ({warmup.Accepted} messages in {warmup.Elapsed.TotalSeconds:F0} s); sending {options.Messages} …");
        var sent = await sender.RunAsync(options.Messages, options.Connections, cancellationToken);
        await WaitForDeliveriesAsync(sink, warmup.Accepted + sent.Accepted, cancellationToken);
        var relayAfter = relay.ReadUsage();
        var generatorCpu = Process.GetCurrentProcess().TotalProcessorTime - generatorBefore;
        var counters = SinkCounters.Read(sink).Since(sinkBefore);
        return Report(options, sink, sent, counters, relayAfter with { Cpu = relayAfter.Cpu - relayBefore.Cpu }, generatorCpu, folder);
    }

    /// <summary>Polls the sink's counters (not its message list) until <paramref name="count"/> arrived; false when the run's time is up.</summary>
    private static async Task<bool> WaitForDeliveriesAsync(SinkDomain sink, int count, CancellationToken cancellationToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (sink.Delivered < count)
            {
                await tick.WaitForNextTickAsync(cancellationToken);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static LoadReport Report(
        LoadOptions options, SinkDomain sink, SendResults sent, SinkCounters counters, RelayUsage relay, TimeSpan generatorCpu, string folder)
    {
        var received = sink.MxServers.SelectMany(mx => mx.Messages).Where(m => m.ReceivedAt >= sent.Started).ToList();
        var lastArrival = received.Count > 0 ? received.Max(m => m.ReceivedAt) : sent.Started;
        var queue = Path.Combine(folder, "spool", "queue");
        return new LoadReport
        {
            Options = options,
            MessageBytes = LoadMessage.SizeOf(LoadMessage.Create(options.Size, 0)),
            Sent = sent,
            Delivered = received.Count,
            DeliveredWithin = lastArrival - sent.Started,
            DeliveredOverTls = received.Count(m => m.IsSecure && m.SslProtocol >= SslProtocols.Tls12),
            Relay = relay,
            GeneratorCpu = generatorCpu,
            SinkSessions = counters.Sessions,
            PolicyFetches = counters.PolicyFetches,
            DnsQueries = counters.DescribeDns(),
            SpoolEntriesLeft = Directory.Exists(queue) ? Directory.GetFiles(queue, "*.json").Length : 0,
        };
    }
}
