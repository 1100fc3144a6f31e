using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Sandbox;

/// <summary>
/// A logger provider that keeps the relay's log events with their structured fields (the
/// <c>{Name}</c> placeholders of each <c>[LoggerMessage]</c>), so the sandbox reads the delivery log
/// (event 3000) the way a log pipeline would, instead of parsing text.
/// </summary>
internal sealed class RelayEventLog : ILoggerProvider
{
    private readonly ConcurrentQueue<RelayEvent> _events = new();
    private readonly SemaphoreSlim _added = new(0);

    /// <summary>Every event so far, in arrival order.</summary>
    public IReadOnlyList<RelayEvent> Events => [.. _events];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Waits until <paramref name="done"/> holds for the events so far; the token bounds the wait.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<RelayEvent>, bool> done, CancellationToken cancellationToken)
    {
        while (!done(Events))
        {
            await _added.WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => _added.Dispose();

    private void Add(RelayEvent logEvent)
    {
        _events.Enqueue(logEvent);
        _added.Release();
    }

    private sealed class Logger(RelayEventLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    fields[key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                }
            }

            owner.Add(new RelayEvent(category, logLevel, eventId.Id, formatter(state, exception), fields));
        }
    }
}

/// <summary>One log event of the relay.</summary>
/// <param name="Category">The logger category (the class that logged).</param>
/// <param name="Level">The log level.</param>
/// <param name="Id">The event id (2000–2099 MTA-STS engine, 3000–3099 delivery; see docs/troubleshooting.md).</param>
/// <param name="Message">The formatted line, as the console logger prints it.</param>
/// <param name="Fields">The named values of the message template, e.g. <c>Domain</c>, <c>FailureType</c>.</param>
internal sealed record RelayEvent(string Category, LogLevel Level, int Id, string Message, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>A field's value, or "-" when the event has no such field.</summary>
    public string this[string field] => Fields.TryGetValue(field, out var value) ? value : "-";
}
