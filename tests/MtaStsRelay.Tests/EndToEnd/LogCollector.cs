using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MtaStsRelay.Tests.EndToEnd;

/// <summary>Keeps every log line of a relay under test, so tests can assert what an admin would read.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private readonly SemaphoreSlim _added = new(0);

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Waits until a line matches; the token bounds the wait (tests never sleep).</summary>
    public async Task<LogLine> WaitForAsync(Func<LogLine, bool> predicate, CancellationToken cancellationToken)
    {
        while (true)
        {
            var match = _lines.FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            await _added.WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => _added.Dispose();

    private void Add(LogLine line)
    {
        _lines.Enqueue(line);
        _added.Release();
    }

    internal sealed record LogLine(string Category, LogLevel Level, int EventId, string Message);

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(new LogLine(category, logLevel, eventId.Id, formatter(state, exception)));
    }
}
