using System.Diagnostics;
using SimulatedInternet;

namespace Sandbox;

/// <summary>
/// The sandbox run: start the simulated internet (DNS, HTTPS policy hosts, MX servers on 127.x.y.z),
/// publish the domains of <see cref="Scenarios"/>, start the relay, send one message per domain, wait
/// (bounded) for each first delivery attempt, stop everything and print what happened.
/// Exit codes: 0 every result as expected, 1 an unexpected or missing result, 2 usage, 130 interrupted.
/// </summary>
internal static class SandboxRun
{
    private const string Sender = "admin@sandbox.test";

    // First attempts finish in well under a second each; the bound only matters if something hangs.
    private static readonly TimeSpan AttemptBound = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help" or "-?"))
        {
            Console.WriteLine("Usage: dotnet run --project samples/Sandbox [-- --verbose]\n\n"
                + "Runs the relay in-process against a simulated internet on 127.0.0.0/8 (no network needed),\n"
                + "sends one message to each of a few domains with different MTA-STS set-ups and prints what the\n"
                + "relay did. --verbose also prints the relay's own log lines.");
            return 0;
        }

        if (args.FirstOrDefault(a => a is not ("--verbose" or "-v")) is { } unknown)
        {
            await Console.Error.WriteLineAsync($"sandbox: unknown argument '{unknown}' (try --help)");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunAsync(verbose: args.Length > 0, cancel.Token); // only --verbose/-v get this far
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("sandbox: interrupted");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunAsync(bool verbose, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Console.WriteLine("MTA-STS sandbox: the relay and a simulated internet, all on this machine.\n");
        Console.WriteLine("Recipient domains:");
        foreach (var scenario in Scenarios.All)
        {
            Console.WriteLine($"  {scenario.Domain,-22} {scenario.SetUp}");
        }

        var rows = await DeliverAsync(verbose, cancellationToken);
        Console.WriteLine($"\nFirst delivery attempt of one message to bob@ each domain (relay log, event 3000):\n");
        Console.Write(ResultTable.Render(rows));
        Console.WriteLine("""

            deferred: the message stays queued and is retried (5m, 10m, 20m, ...). Under enforce the relay never
                      falls back to plain text or to an MX host the policy does not list.
            testing:  the violation is logged (event 3003) and the message delivered anyway.
            no policy after a failed fetch (event 2001): delivered as if the domain had no policy (RFC 8461 §3.3).
            """);
        Console.WriteLine($"Done in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s."
            + (verbose ? "" : " Run with --verbose to see the relay's log lines."));
        return rows.All(r => r.AsExpected) ? 0 : 1;
    }

    private static async Task<IReadOnlyList<ResultRow>> DeliverAsync(bool verbose, CancellationToken cancellationToken)
    {
        await using var internet = await TestInternet.StartAsync(cancellationToken);
        foreach (var scenario in Scenarios.All)
        {
            await scenario.PublishAsync(internet, cancellationToken);
        }

        using var events = new RelayEventLog();
        IReadOnlyList<string> queueIds;
        await using (var relay = await SandboxRelay.StartAsync(internet, events, verbose, cancellationToken))
        {
            queueIds = await relay.SendAsync(Sender, Scenarios.All.Select(s => $"bob@{s.Domain}"), cancellationToken);
            await WaitForAttemptsAsync(events, queueIds, cancellationToken);
        }

        return Scenarios.All.Select((s, i) => ResultTable.Row(s, queueIds[i], events.Events)).ToList();
    }

    private static async Task WaitForAttemptsAsync(RelayEventLog events, IReadOnlyList<string> queueIds, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(AttemptBound);
        try
        {
            await events.WaitUntilAsync(
                all => queueIds.All(id => all.Any(e => e.Id == 3000 && e["QueueId"] == id)), bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Shown as "no attempt logged" rows; the exit code reports it.
        }
    }
}
