using System.Buffers;

namespace MtaStsRelay.Queue;

public sealed partial class Spool
{
    /// <summary>Group commit of <c>queue/</c> fsyncs, shared by every write, update and completion of this spool.</summary>
    private FolderSync QueueSync { get; }

    /// <summary>
    /// The write protocol of <see cref="EnqueueAsync"/>: both files into <c>tmp/</c> with fsync (the two
    /// at the same time), then renamed into <c>queue/</c>, message first and envelope last, each rename
    /// made durable with a folder fsync before the next step. Folder fsyncs are group commits
    /// (<see cref="FolderSync"/>): messages spooled at the same time share them, and each still waits for
    /// one that started after its own rename. On any failure every file this call created is removed,
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
            cancellationToken.ThrowIfCancellationRequested();

            await WriteBothAsync(tempMessage, message, tempEnvelope, EnvelopeFile.Serialize(envelope), created).ConfigureAwait(false);

            MoveTracked(tempMessage, queuedMessage, created);
            await QueueSync.SyncAsync().ConfigureAwait(false);
            MoveTracked(tempEnvelope, queuedEnvelope, created);
            await QueueSync.SyncAsync().ConfigureAwait(false);
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

    /// <summary>
    /// Writes and fsyncs the message here and the envelope on the thread pool at the same time: two
    /// fsyncs in parallel wait about as long as one. Returns (or throws) only when both are over, so
    /// <paramref name="created"/> is complete for the clean-up.
    /// </summary>
    private static async Task WriteBothAsync(
        string messagePath, ReadOnlySequence<byte> message, string envelopePath, byte[] envelope, List<string> created)
    {
        var envelopeWritten = Task.Run(() => WriteTracked(envelopePath, new ReadOnlySequence<byte>(envelope), ReadOnlyMemory<byte>.Empty, created));
        try
        {
            WriteTracked(messagePath, message, Crlf, created);
        }
        finally
        {
            await envelopeWritten.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await envelopeWritten.ConfigureAwait(false);
    }

    private static void WriteTracked(string path, ReadOnlySequence<byte> content, ReadOnlyMemory<byte> suffix, List<string> created)
    {
        // CreateNew fails on an existing file before creating anything, so only then is the path
        // not ours to delete.
        var existed = File.Exists(path);
        try
        {
            DurableFile.WriteNew(path, content, suffix);
            Track(created, path);
        }
        catch when (!existed)
        {
            Track(created, path);
            throw;
        }
    }

    private static void Track(List<string> created, string path)
    {
        lock (created)
        {
            created.Add(path);
        }
    }

    private static void MoveTracked(string from, string to, List<string> created)
    {
        File.Move(from, to, overwrite: false);
        created.Remove(from);
        created.Add(to);
    }
}
