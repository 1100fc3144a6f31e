namespace MtaStsRelay.Queue;

/// <summary>Where the queue lives on disk. Bound from <c>Relay:Spool</c>.</summary>
public sealed class SpoolOptions
{
    /// <summary>The configuration section this class is bound from.</summary>
    public const string SectionName = "Relay:Spool";

    /// <summary>
    /// The spool folder; relative paths are taken from the current directory. It holds <c>queue/</c>
    /// (complete entries), <c>tmp/</c> (entries being written) and <c>corrupt/</c> (entries that
    /// could not be read at start, kept for the operator).
    /// </summary>
    public string Path { get; set; } = "spool";
}
