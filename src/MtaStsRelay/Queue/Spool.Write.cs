using System.Buffers;

namespace MtaStsRelay.Queue;

public sealed partial class Spool
{
    /// <summary>
    /// The write protocol of <see cref="EnqueueAsync"/>: both files into <c>tmp/</c> with fsync, then
    /// renamed into <c>queue/</c>, message first and envelope last, each rename made durable with a
    /// folder fsync before the next step. On any failure every file this call created is removed,
    /// so nothing half-written stays visible; files it did not create (an id collision) are left alone.
    /// </summary>
    private async Task WriteEntryAsync(Envelope envelope, ReadOnlySequence<byte> message, CancellationToken cancellationToken)
    {
        var id = envelope.QueueId;
        var tempMessage = Path.Combine(TempFolder, id + ".eml");
        var tempEnvelope = Path.Combine(TempFolder, id + ".json");
        var (queuedMessage, queuedEnvelope) = EntryPaths(id);
        var created = new List<string>(4);
        try
        {
            Directory.CreateDirectory(TempFolder);
            Directory.CreateDirectory(QueueFolder);

            await WriteTrackedAsync(tempMessage, message, Crlf, created, cancellationToken).ConfigureAwait(false);
            var json = new ReadOnlySequence<byte>(EnvelopeFile.Serialize(envelope));
            await WriteTrackedAsync(tempEnvelope, json, ReadOnlyMemory<byte>.Empty, created, cancellationToken).ConfigureAwait(false);

            MoveTracked(tempMessage, queuedMessage, created);
            DurableFile.SyncDirectory(QueueFolder);
            MoveTracked(tempEnvelope, queuedEnvelope, created);
            DurableFile.SyncDirectory(QueueFolder);
        }
        catch (Exception exception)
        {
            // Envelope before message, the same order as CompleteAsync, so a crash during the
            // clean-up cannot leave an envelope without its message.
            foreach (var path in created.OrderBy(p => p.EndsWith(".json", StringComparison.Ordinal) ? 0 : 1))
            {
                DurableFile.TryDelete(path);
            }

            if (exception is OperationCanceledException)
            {
                throw;
            }

            logger.SpoolWriteFailed(id, exception);
            throw new SpoolWriteException(id, $"could not spool {id}: {exception.Message}", exception);
        }
    }

    private static async Task WriteTrackedAsync(
        string path, ReadOnlySequence<byte> content, ReadOnlyMemory<byte> suffix, List<string> created, CancellationToken cancellationToken)
    {
        // CreateNew fails on an existing file before creating anything, so only then is the path
        // not ours to delete.
        var existed = File.Exists(path);
        try
        {
            await DurableFile.WriteNewAsync(path, content, suffix, cancellationToken).ConfigureAwait(false);
            created.Add(path);
        }
        catch when (!existed)
        {
            created.Add(path);
            throw;
        }
    }

    private static void MoveTracked(string from, string to, List<string> created)
    {
        File.Move(from, to, overwrite: false);
        created.Remove(from);
        created.Add(to);
    }
}
