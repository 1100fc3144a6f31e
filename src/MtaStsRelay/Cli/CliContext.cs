using System.CommandLine;

namespace MtaStsRelay.Cli;

/// <summary>
/// What the commands write to and read from, injected so tests run them in-process with their own
/// output and settings (no process-wide environment variables).
/// </summary>
internal sealed class CliContext
{
    public required TextWriter Output { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Standard input (only <c>hash-password</c> reads it).</summary>
    public TextReader Input { get; init; } = TextReader.Null;

    /// <summary>The commands' clock (deadlines, ages); tests pass the relay's fake clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Settings applied after every other source (tests; null in production).</summary>
    public IReadOnlyDictionary<string, string?>? ConfigOverrides { get; init; }

    /// <summary><c>--config &lt;file&gt;</c>: an extra settings file, read after appsettings.json.</summary>
    public Option<string?> ConfigOption { get; } = new("--config")
    {
        Description = "An extra JSON settings file (same shape as appsettings.json), read after appsettings.json",
        Recursive = true,
    };
}
