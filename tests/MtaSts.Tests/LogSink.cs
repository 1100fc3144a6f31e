using Microsoft.Extensions.Logging;

namespace MtaSts.Tests;

/// <summary>One log event as a test sees it.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message);

/// <summary>
/// Collects what the engine logs, so tests can assert the warnings an admin would see
/// (e.g. event 2003 for a corrupt cache entry). Thread-safe; hands out typed loggers.
/// </summary>
public sealed class LogSink
{
    private readonly List<LogEntry> _entries = [];

    /// <summary>A snapshot of every entry so far.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Entries with <paramref name="eventId"/> (the fixed ids of MtaStsLog).</summary>
    public IReadOnlyList<LogEntry> WithEventId(int eventId) => [.. Entries.Where(e => e.EventId.Id == eventId)];

    /// <summary>A logger whose events land in this sink.</summary>
    public ILogger<T> For<T>() => new SinkLogger<T>(this);

    private void Add(LogEntry entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
        }
    }

    private sealed class SinkLogger<T>(LogSink sink) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Add(new LogEntry(typeof(T).Name, logLevel, eventId, formatter(state, exception)));
    }
}
