using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace LoadGenerator;

/// <summary>
/// The relay under load, as its own process: <c>dotnet mtasts-relay.dll --config FILE</c>. Its log
/// (stdout and stderr) goes to a file; the listening port is read from the "Listening on" line, so
/// the relay binds port 0 and no port is guessed. Stopped with SIGTERM, killed if it does not exit.
/// </summary>
internal sealed partial class RelayProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _logGate = new();
    private bool _logClosed;

    private RelayProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;

    public string LogPath { get; private init; } = "";

    /// <summary>Starts the relay and waits until it listens; throws with the log's path if it exits or times out first.</summary>
    public static async Task<RelayProcess> StartAsync(string relayDll, string configPath, LoadOptions options, string logPath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(configPath)!,
        };
        start.ArgumentList.Add(relayDll);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(configPath);
        foreach (var setting in options.RelaySettings)
        {
            start.ArgumentList.Add("--" + setting);
        }

        foreach (var variable in options.RelayEnvironment)
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            start.Environment[variable[..equals]] = variable[(equals + 1)..];
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var relay = new RelayProcess(process, new StreamWriter(logPath)) { LogPath = logPath };
        relay.Pump(process.StandardOutput);
        relay.Pump(process.StandardError);
        var exited = process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(relay._listening.Task, exited).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        if (first != relay._listening.Task)
        {
            await relay.DisposeAsync();
            throw new InvalidOperationException($"the relay exited before listening (exit code {process.ExitCode}); see {logPath}");
        }

        return relay;
    }

    public Task<IPEndPoint> EndPoint => _listening.Task;

    /// <summary>Peak and current resident memory (VmHWM, VmRSS from /proc/PID/status) in KiB, and CPU time used.</summary>
    public RelayUsage ReadUsage()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        _process.Refresh();
        return new RelayUsage(Kib(status, "VmHWM:"), Kib(status, "VmRSS:"), _process.TotalProcessorTime);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(StopTimeout);
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        lock (_logGate)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    private void Pump(StreamReader reader) => _ = Task.Run(async () =>
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_logGate)
            {
                if (!_logClosed)
                {
                    _log.WriteLine(line);
                }
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                _listening.TrySetResult(IPEndPoint.Parse(match.Groups[1].Value));
            }
        }
    });

    private static long Kib(string[] status, string key)
    {
        var line = status.First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Listening on (\S+) \(")]
    private static partial Regex ListeningLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>What the relay process used: memory in KiB, CPU time (user + system).</summary>
internal readonly record struct RelayUsage(long PeakKib, long CurrentKib, TimeSpan Cpu);
