using LoadGenerator;

// Relay throughput: see docs/benchmarks.md ("Relay throughput") and LoadOptions.Usage.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

var options = LoadOptions.Parse(args, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync($"LoadGenerator: {error}\n{LoadOptions.Usage}");
    return 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};

try
{
    var report = await LoadRun.RunAsync(options, interrupted.Token);
    Console.WriteLine();
    Console.WriteLine(report.ToMarkdown());
    return report.Complete ? 0 : 1;
}
catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"LoadGenerator: run aborted: {e.Message}");
    return 1;
}
