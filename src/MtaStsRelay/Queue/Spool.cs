using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MtaStsRelay.Queue;

/// <summary>
/// The durable queue: one <c>&lt;id&gt;.eml</c> (the message bytes) and one <c>&lt;id&gt;.json</c> (the
/// <see cref="Envelope"/>) per message in <c>queue/</c>.
/// </summary>
/// <remarks>
/// Guarantees (architecture.md): a message is on disk, fsynced, before <see cref="EnqueueAsync"/>
/// returns, so before the listener answers 250. Both files are written and fsynced in <c>tmp/</c> and
/// renamed into <c>queue/</c>: the message first, the envelope last, with the folder fsynced after
/// each rename. The envelope's presence therefore marks a complete entry, and anything without one
/// was never acknowledged. Envelope rewrites are atomic (temp file, fsync, rename over the old
/// one). Entries that cannot be read at start go to <c>corrupt/</c>, never deleted.
/// Safe for concurrent use: new entries never share a name, and changes to existing entries
/// (update, complete, recovery) are serialized.
/// </remarks>
[SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim needs disposing only when its AvailableWaitHandle is used, and it is not.")]
public sealed partial class Spool
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Channel<Envelope> newMessages = Channel.CreateUnbounded<Envelope>();
    private readonly SemaphoreSlim entryGate = new(1, 1);

    /// <summary>Creates the spool on the folder from <paramref name="options"/>; nothing is touched on disk yet.</summary>
    public Spool(IOptions<SpoolOptions> options, TimeProvider timeProvider, ILogger<Spool> logger)
    {
        time = timeProvider;
        this.logger = logger;
        SpoolPath = Path.GetFullPath(options.Value.Path);
        QueueFolder = Path.Combine(SpoolPath, "queue");
        TempFolder = Path.Combine(SpoolPath, "tmp");
        CorruptFolder = Path.Combine(SpoolPath, "corrupt");
        QueueSync = new FolderSync(QueueFolder);
    }

    /// <summary>The spool folder, absolute.</summary>
    public string SpoolPath { get; }

    /// <summary>Complete entries.</summary>
    public string QueueFolder { get; }

    /// <summary>Entries being written; whatever is here at start is left over from a crash.</summary>
    public string TempFolder { get; }

    /// <summary>Entries that could not be read at start, for the operator to look at.</summary>
    public string CorruptFolder { get; }

    /// <summary>
    /// Every envelope accepted by <see cref="EnqueueAsync"/>, in order, for the delivery worker.
    /// Entries found by <see cref="RecoverAsync"/> are returned from it, not written here.
    /// </summary>
    public ChannelReader<Envelope> NewMessages => newMessages.Reader;

    /// <summary>The entries queued now, with their arrival times (for metrics and health).</summary>
    public QueueCensus Census { get; } = new();

    /// <summary>A fresh queue id; the listener takes one before it writes the Received header.</summary>
    public string NewQueueId() => QueueId.New(time.GetUtcNow());

    /// <summary>
    /// Stores a message durably and returns its envelope. <paramref name="message"/> is the DATA
    /// content as SmtpServer hands it over: dot-unstuffed and without the CRLF that ends the last
    /// line (the library strips it), so that CRLF is appended here.
    /// </summary>
    /// <exception cref="SpoolWriteException">The message could not be stored; nothing of it is left in <c>queue/</c>.</exception>
    public async Task<Envelope> EnqueueAsync(EnvelopeDraft draft, ReadOnlySequence<byte> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!QueueId.IsValid(draft.QueueId))
        {
            throw new ArgumentException($"'{draft.QueueId}' is not a queue id; take one from NewQueueId()", nameof(draft));
        }

        if (draft.Recipients.Count == 0)
        {
            throw new ArgumentException("a message needs at least one recipient", nameof(draft));
        }

        var envelope = CreateEnvelope(draft, message.Length + Crlf.Length);
        await WriteEntryAsync(envelope, message, cancellationToken).ConfigureAwait(false);
        logger.Spooled(envelope.QueueId, envelope.Size, envelope.Recipients.Count);
        Census.Add(envelope);
        newMessages.Writer.TryWrite(envelope);
        return envelope;
    }

    /// <summary>
    /// Rewrites the envelope file atomically: a crash leaves either the old or the new version.
    /// </summary>
    /// <exception cref="SpoolWriteException">The new version could not be stored; the old one is intact.</exception>
    /// <exception cref="InvalidOperationException">The entry is no longer in the queue.</exception>
    public async Task UpdateAsync(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var (_, json) = EntryPaths(envelope.QueueId);
        var temp = Path.Combine(TempFolder, $"{envelope.QueueId}.{Guid.NewGuid():N}.json");
        try
        {
            // The write and its fsync need no gate (the temp name is this call's own); only the check
            // and the rename do, and the folder fsync is the group commit shared with other writers.
            Directory.CreateDirectory(TempFolder);
            DurableFile.WriteNew(temp, new ReadOnlySequence<byte>(EnvelopeFile.Serialize(envelope)), ReadOnlyMemory<byte>.Empty);
            await entryGate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!File.Exists(json))
                {
                    DurableFile.TryDelete(temp);
                    throw new InvalidOperationException($"{envelope.QueueId} is not in the queue (completed already?)");
                }

                File.Move(temp, json, overwrite: true);
            }
            finally
            {
                entryGate.Release();
            }

            await QueueSync.SyncAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            DurableFile.TryDelete(temp);
            logger.SpoolWriteFailed(envelope.QueueId, exception);
            throw new SpoolWriteException(envelope.QueueId, $"could not update {envelope.QueueId}: {exception.Message}", exception);
        }

        logger.Updated(envelope.QueueId);
    }

    /// <summary>
    /// Removes a finished entry: the envelope first, so a crash in between leaves an orphan message
    /// file that the next start removes, never an envelope pointing at nothing. Only the envelope's
    /// removal holds the entry gate; the folder fsync that makes it durable is a group commit shared
    /// with concurrent writers, and the message goes after it.
    /// </summary>
    public async Task CompleteAsync(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var (eml, json) = EntryPaths(envelope.QueueId);
        await entryGate.WaitAsync().ConfigureAwait(false);
        try
        {
            File.Delete(json);
            Census.Remove(envelope.QueueId);
        }
        finally
        {
            entryGate.Release();
        }

        await QueueSync.SyncAsync().ConfigureAwait(false);
        File.Delete(eml);
        logger.Completed(envelope.QueueId);
    }

    /// <summary>Opens the stored message for reading (shared, and deletable while open).</summary>
    public Stream OpenMessage(string queueId) =>
        new FileStream(MessagePath(queueId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>The path of the stored message; the id is checked so no path outside the queue can be named.</summary>
    public string MessagePath(string queueId) => EntryPaths(queueId).Message;

    /// <summary>
    /// Every readable entry in <c>queue/</c>, oldest first, for operator commands. Unreadable entries
    /// are skipped and logged, not moved (only <see cref="RecoverAsync"/> at start does that).
    /// </summary>
    public async Task<IReadOnlyList<Envelope>> ListAsync()
    {
        var envelopes = new List<Envelope>();
        if (!Directory.Exists(QueueFolder))
        {
            return envelopes;
        }

        foreach (var json in Directory.EnumerateFiles(QueueFolder, "*.json").Order(StringComparer.Ordinal))
        {
            var (envelope, problem) = await LoadAsync(json).ConfigureAwait(false);
            if (envelope is null)
            {
                logger.UnreadableEntrySkipped(json, problem!);
                continue;
            }

            envelopes.Add(envelope);
        }

        return envelopes;
    }

    private Envelope CreateEnvelope(EnvelopeDraft draft, long size)
    {
        var now = time.GetUtcNow();
        return new Envelope
        {
            QueueId = draft.QueueId,
            Sender = draft.Sender,
            Recipients = [.. draft.Recipients.Select(address => new QueuedRecipient { Address = address })],
            ArrivedAt = now,
            NextAttemptAt = now,
            ClientAddress = draft.ClientAddress,
            HeloName = draft.HeloName,
            Size = size,
        };
    }

    private (string Message, string Envelope) EntryPaths(string queueId)
    {
        if (!QueueId.IsValid(queueId))
        {
            throw new ArgumentException($"'{queueId}' is not a queue id", nameof(queueId));
        }

        return (Path.Combine(QueueFolder, queueId + ".eml"), Path.Combine(QueueFolder, queueId + ".json"));
    }
}
