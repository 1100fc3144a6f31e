using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaStsRelay.Cli;

/// <summary>
/// Log output of the operator commands: warnings and errors only (an unreadable queue entry, a
/// corrupt cache file), on the command's error output so <c>--json</c> on standard output stays
/// clean. The control log is left out: the command prints the same as its result.
/// </summary>
internal sealed class CliLoggerProvider(TextWriter error) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("MtaStsRelay.Control", StringComparison.Ordinal) ? NullLogger.Instance : new Logger(this);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message)
    {
        lock (_gate)
        {
            error.WriteLine($"mtasts-relay: {(level >= LogLevel.Error ? "error" : "warning")}: {message}");
        }
    }

    private sealed class Logger(CliLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, formatter(state, exception));
            }
        }
    }
}
