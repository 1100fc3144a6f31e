using System.Text.Json;

namespace MtaStsRelay.Queue;

public sealed partial class Spool
{
    /// <summary>
    /// Run once at start, before the listener and the delivery worker: loads every complete entry,
    /// moves unreadable or inconsistent ones to <c>corrupt/</c> (logged, never deleted), and removes
    /// what was never acknowledged. Returns the loaded envelopes, oldest first.
    /// </summary>
    /// <remarks>
    /// Removing files in <c>tmp/</c> and message files without an envelope is safe: the listener
    /// answers 250 only after the envelope has been renamed into <c>queue/</c> and the folder
    /// fsynced, and the envelope is always renamed after its message. So a temp file or a lone
    /// message is either a write that never finished (the client got no 250, or got 451, and still
    /// holds the message) or the remainder of <see cref="CompleteAsync"/>, which deletes the envelope
    /// first and was interrupted before the message (the message was already delivered or bounced).
    /// An envelope, on the other hand, stands for a message someone was promised delivery of, so a
    /// bad one is kept for the operator rather than deleted.
    /// </remarks>
    public async Task<IReadOnlyList<Envelope>> RecoverAsync()
    {
        await entryGate.WaitAsync().ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(QueueFolder);
            Directory.CreateDirectory(TempFolder);
            Directory.CreateDirectory(CorruptFolder);

            var removed = RemoveStrayTempFiles();
            var (envelopes, corrupt) = await LoadEntriesAsync().ConfigureAwait(false);
            removed += RemoveOrphanMessages();

            logger.Recovered(envelopes.Count, SpoolPath, corrupt, removed);
            Census.AddRange(envelopes);
            return envelopes;
        }
        finally
        {
            entryGate.Release();
        }
    }

    private async Task<(List<Envelope> Envelopes, int Corrupt)> LoadEntriesAsync()
    {
        var envelopes = new List<Envelope>();
        var corrupt = 0;
        foreach (var json in Directory.EnumerateFiles(QueueFolder, "*.json").Order(StringComparer.Ordinal).ToList())
        {
            var (envelope, problem) = await LoadAsync(json).ConfigureAwait(false);
            if (envelope is not null)
            {
                envelopes.Add(envelope);
                continue;
            }

            corrupt++;
            MoveToCorrupt(json, problem!);
        }

        return (envelopes, corrupt);
    }

    /// <summary>Reads one envelope file and checks it against its message file; a reason when it is not usable.</summary>
    private static async Task<(Envelope? Envelope, string? Problem)> LoadAsync(string jsonPath)
    {
        var id = Path.GetFileNameWithoutExtension(jsonPath);
        if (!QueueId.IsValid(id))
        {
            return (null, "the file name is not a queue id");
        }

        Envelope envelope;
        try
        {
            envelope = EnvelopeFile.Deserialize(await ReadSharedAsync(jsonPath).ConfigureAwait(false));
        }
        catch (JsonException exception)
        {
            return (null, $"unreadable envelope: {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read the envelope: {exception.Message}");
        }

        var problem = CheckConsistency(envelope, id, Path.ChangeExtension(jsonPath, ".eml"));
        return problem is null ? (envelope, null) : (null, problem);
    }

    private static string? CheckConsistency(Envelope envelope, string id, string messagePath)
    {
        if (!string.Equals(envelope.QueueId, id, StringComparison.Ordinal))
        {
            return $"the envelope names queue id {envelope.QueueId}";
        }

        if (envelope.Recipients.Count == 0)
        {
            return "the envelope has no recipients";
        }

        var message = new FileInfo(messagePath);
        if (!message.Exists)
        {
            return $"the message file {message.Name} is missing";
        }

        return message.Length == envelope.Size
            ? null
            : $"the message file has {message.Length} bytes, the envelope says {envelope.Size}";
    }

    private void MoveToCorrupt(string jsonPath, string reason)
    {
        var messagePath = Path.ChangeExtension(jsonPath, ".eml");
        try
        {
            // Envelope first: if the second move fails, the message stays behind (orphan removal
            // knows it by its envelope in corrupt/ and keeps trying to move it) and the envelope,
            // the part that matters, is already safe in corrupt/.
            MoveAside(jsonPath);
            if (File.Exists(messagePath))
            {
                MoveAside(messagePath);
            }

            logger.MovedToCorrupt(jsonPath, CorruptFolder, reason);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.CorruptMoveFailed(jsonPath, exception);
        }
    }

    private void MoveAside(string path)
    {
        var target = Path.Combine(CorruptFolder, Path.GetFileName(path));
        if (File.Exists(target))
        {
            target = Path.Combine(CorruptFolder, $"{Path.GetFileName(path)}.{time.GetUtcNow().ToUnixTimeMilliseconds()}.{Guid.NewGuid():N}");
        }

        File.Move(path, target, overwrite: false);
    }

    private void TryMoveAside(string messagePath)
    {
        try
        {
            MoveAside(messagePath);
            logger.MovedToCorrupt(messagePath, CorruptFolder, "its envelope is already in corrupt/");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.CorruptMoveFailed(messagePath, exception);
        }
    }

    private int RemoveStrayTempFiles()
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(TempFolder).ToList())
        {
            File.Delete(file);
            logger.StrayTempFileRemoved(file);
            removed++;
        }

        return removed;
    }

    private int RemoveOrphanMessages()
    {
        var removed = 0;
        foreach (var message in Directory.EnumerateFiles(QueueFolder, "*.eml").ToList())
        {
            if (!File.Exists(Path.ChangeExtension(message, ".json")))
            {
                if (File.Exists(Path.Combine(CorruptFolder, Path.GetFileNameWithoutExtension(message) + ".json")))
                {
                    // Its envelope went to corrupt/ but the message could not follow: it belongs
                    // with it, never deleted. Tried again here and at every start until it moves.
                    TryMoveAside(message);
                    continue;
                }

                File.Delete(message);
                logger.OrphanMessageRemoved(message);
                removed++;
            }
        }

        return removed;
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        // Shared for writing and deleting, so reading never blocks an atomic replace (Windows).
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}
