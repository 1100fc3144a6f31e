namespace MtaStsRelay.Queue;

public sealed partial class Spool
{
    /// <summary>
    /// The envelope of <paramref name="queueId"/>, or null when it is not in <c>queue/</c> (an
    /// unreadable entry is logged and also gives null). For operator commands: like
    /// <see cref="ListAsync"/>, safe while the relay runs, because envelopes are replaced atomically.
    /// </summary>
    public async Task<Envelope?> FindAsync(string queueId)
    {
        var (_, json) = EntryPaths(queueId);
        if (!File.Exists(json))
        {
            return null;
        }

        var (envelope, problem) = await LoadAsync(json).ConfigureAwait(false);
        if (envelope is null && File.Exists(json))
        {
            logger.UnreadableEntrySkipped(json, problem!);
        }

        return envelope;
    }

    /// <summary>True while the envelope of <paramref name="queueId"/> is in <c>queue/</c>.</summary>
    public bool Contains(string queueId) => File.Exists(EntryPaths(queueId).Envelope);
}
