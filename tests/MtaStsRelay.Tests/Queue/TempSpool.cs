using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Tests.Queue;

/// <summary>A spool in a fresh temp folder, deleted afterwards; parallel-safe.</summary>
internal sealed class TempSpool : IDisposable
{
    public TempSpool()
    {
        Root = Path.Combine(Path.GetTempPath(), "mtasts-relay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        SpoolPath = Path.Combine(Root, "spool");
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    }

    public string Root { get; }

    public string SpoolPath { get; }

    public FakeTimeProvider Clock { get; }

    public CapturingLogger<Spool> Log { get; } = new();

    public string QueueFolder => Path.Combine(SpoolPath, "queue");

    public string TempFolder => Path.Combine(SpoolPath, "tmp");

    public string CorruptFolder => Path.Combine(SpoolPath, "corrupt");

    public Spool Create(string? path = null) =>
        new(Options.Create(new SpoolOptions { Path = path ?? SpoolPath }), Clock, Log);

    public static EnvelopeDraft Draft(Spool spool, params string[] recipients) =>
        new(spool.NewQueueId(), "sender@example.org", recipients.Length == 0 ? ["rcpt@example.net"] : recipients, "127.0.0.1", "client.example.org");

    public static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps every formatted log line, with its event id, for assertions.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly List<(EventId Id, LogLevel Level, string Message)> entries = [];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (entries)
            {
                return [.. entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (entries)
        {
            entries.Add((eventId, logLevel, formatter(state, exception)));
        }
    }
}
