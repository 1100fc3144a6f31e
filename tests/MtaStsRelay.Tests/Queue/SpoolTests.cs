using MtaStsRelay.Queue;

namespace MtaStsRelay.Tests.Queue;

public sealed class SpoolTests : IDisposable
{
    private readonly TempSpool temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task EnqueueAsync_ThenRecoverInNewInstance_ReturnsSameEnvelope()
    {
        var spool = temp.Create();
        var draft = new EnvelopeDraft(spool.NewQueueId(), "", ["a@Example.NET", "b@other.example"], "192.0.2.7", "mx.client.example");
        var queued = await spool.EnqueueAsync(draft, TempSpool.Bytes("Subject: hi\r\n\r\nbody"), CancellationToken.None);

        var recovered = await temp.Create().RecoverAsync();

        var envelope = Assert.Single(recovered);
        Assert.Equal(queued.QueueId, envelope.QueueId);
        Assert.Equal("", envelope.Sender);
        Assert.Equal(["a@Example.NET", "b@other.example"], envelope.Recipients.Select(r => r.Address));
        Assert.All(envelope.Recipients, r => Assert.Equal(RecipientStatus.Pending, r.Status));
        Assert.Equal(temp.Clock.GetUtcNow(), envelope.ArrivedAt);
        Assert.Equal(envelope.ArrivedAt, envelope.NextAttemptAt);
        Assert.Equal("192.0.2.7", envelope.ClientAddress);
        Assert.Equal("mx.client.example", envelope.HeloName);
        Assert.Equal(queued.Size, envelope.Size);
        Assert.Equal(0, envelope.Attempts);
    }

    [Fact]
    public async Task EnqueueAsync_Message_StoresBytesExactlyWithFinalCrlfRestored()
    {
        var spool = temp.Create();
        byte[] body = [.. "Subject: caf"u8, 0xC3, 0xA9, .. "\r\n\r\n..dot stays\r\nlast line"u8];

        var envelope = await spool.EnqueueAsync(TempSpool.Draft(spool), new(body), CancellationToken.None);

        byte[] expected = [.. body, (byte)'\r', (byte)'\n'];
        Assert.Equal(expected, await File.ReadAllBytesAsync(spool.MessagePath(envelope.QueueId)));
        Assert.Equal(expected.Length, envelope.Size);
        using var stream = spool.OpenMessage(envelope.QueueId);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(expected, copy.ToArray());
    }

    [Fact]
    public async Task EnqueueAsync_MultiSegmentSequence_StoresSegmentsInOrder()
    {
        var spool = temp.Create();
        var message = Segments.Of("Subject: x\r\n", "\r\n", "part one ", "part two");

        var envelope = await spool.EnqueueAsync(TempSpool.Draft(spool), message, CancellationToken.None);

        Assert.Equal("Subject: x\r\n\r\npart one part two\r\n", await File.ReadAllTextAsync(spool.MessagePath(envelope.QueueId)));
    }

    [Fact]
    public async Task EnqueueAsync_Success_WritesEnvelopeToNewMessages()
    {
        var spool = temp.Create();

        var envelope = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None);

        Assert.True(spool.NewMessages.TryRead(out var announced));
        Assert.Same(envelope, announced);
    }

    [Fact]
    public async Task EnqueueAsync_Json_IsVersionedCamelCaseWithStringStatus()
    {
        var spool = temp.Create();
        var envelope = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None);

        var json = await File.ReadAllTextAsync(Path.Combine(temp.QueueFolder, envelope.QueueId + ".json"));

        Assert.Contains("\"version\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"queueId\":", json, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"Pending\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"domains\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"domain\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnqueueAsync_SpoolPathIsAFile_ThrowsAndLeavesNothing()
    {
        await File.WriteAllTextAsync(temp.SpoolPath, "not a folder");
        var spool = temp.Create();

        await Assert.ThrowsAsync<SpoolWriteException>(
            () => spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None));

        Assert.Equal("not a folder", await File.ReadAllTextAsync(temp.SpoolPath));
        Assert.False(spool.NewMessages.TryRead(out _));
    }

    [Fact]
    public async Task EnqueueAsync_RenameIntoQueueFails_RemovesTempFilesAndThrows()
    {
        // tmp/ is writable but queue/ is a file: both temp files get written, then the rename fails.
        Directory.CreateDirectory(temp.SpoolPath);
        await File.WriteAllTextAsync(temp.QueueFolder, "in the way");
        var spool = temp.Create();
        var draft = TempSpool.Draft(spool);

        var error = await Assert.ThrowsAsync<SpoolWriteException>(
            () => spool.EnqueueAsync(draft, TempSpool.Bytes("x"), CancellationToken.None));

        Assert.Equal(draft.QueueId, error.QueueId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.TempFolder));
        Assert.False(spool.NewMessages.TryRead(out _));
        Assert.Contains(temp.Log.Entries, e => e.Id.Id == 1001 && e.Message.Contains(draft.QueueId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnqueueAsync_IdAlreadyQueued_ThrowsAndKeepsExistingEntry()
    {
        var spool = temp.Create();
        var first = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("first"), CancellationToken.None);
        var clash = TempSpool.Draft(spool) with { QueueId = first.QueueId };

        await Assert.ThrowsAsync<SpoolWriteException>(() => spool.EnqueueAsync(clash, TempSpool.Bytes("second"), CancellationToken.None));

        Assert.Equal("first\r\n", await File.ReadAllTextAsync(spool.MessagePath(first.QueueId)));
        Assert.Equal(first.QueueId, Assert.Single(await temp.Create().RecoverAsync()).QueueId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.TempFolder));
    }

    [Fact]
    public async Task EnqueueAsync_Cancelled_LeavesNothingVisible()
    {
        var spool = temp.Create();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), cancelled.Token));

        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.QueueFolder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.TempFolder));
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("../../etc/passwd")]
    public async Task EnqueueAsync_BadQueueId_ThrowsArgumentException(string id)
    {
        var spool = temp.Create();

        await Assert.ThrowsAsync<ArgumentException>(
            () => spool.EnqueueAsync(TempSpool.Draft(spool) with { QueueId = id }, TempSpool.Bytes("x"), CancellationToken.None));
    }

    [Fact]
    public void MessagePath_PathTraversal_Throws()
    {
        var spool = temp.Create();

        Assert.Throws<ArgumentException>(() => spool.MessagePath("../../../etc/passwd"));
    }

    [Fact]
    public async Task EnqueueAsync_ManyAtOnce_AllStoredWithUniqueIds()
    {
        var spool = temp.Create();

        var envelopes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes($"message {i}"), CancellationToken.None))));

        Assert.Equal(40, envelopes.Select(e => e.QueueId).Distinct().Count());
        Assert.Equal(40, (await temp.Create().RecoverAsync()).Count);
    }

    [Fact]
    public async Task UpdateAsync_ChangedState_IsRecovered()
    {
        var spool = temp.Create();
        var envelope = await spool.EnqueueAsync(TempSpool.Draft(spool, "a@x.example", "b@y.example"), TempSpool.Bytes("x"), CancellationToken.None);
        envelope.Attempts = 2;
        envelope.LastError = "connection refused";
        envelope.DelayNoticeSent = true;
        envelope.NextAttemptAt = envelope.ArrivedAt.AddMinutes(10);
        envelope.Recipients[0].Status = RecipientStatus.Delivered;
        envelope.Recipients[0].LastReply = "250 2.0.0 Ok";
        envelope.Recipients[0].CompletedAt = envelope.ArrivedAt.AddMinutes(1);
        envelope.Recipients[1].LastFailureType = "certificate-expired";

        await spool.UpdateAsync(envelope);
        var recovered = Assert.Single(await temp.Create().RecoverAsync());

        Assert.Equal(2, recovered.Attempts);
        Assert.Equal("connection refused", recovered.LastError);
        Assert.True(recovered.DelayNoticeSent);
        Assert.Equal(envelope.NextAttemptAt, recovered.NextAttemptAt);
        Assert.Equal(RecipientStatus.Delivered, recovered.Recipients[0].Status);
        Assert.Equal("250 2.0.0 Ok", recovered.Recipients[0].LastReply);
        Assert.Equal(envelope.Recipients[0].CompletedAt, recovered.Recipients[0].CompletedAt);
        Assert.Equal("certificate-expired", recovered.Recipients[1].LastFailureType);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.TempFolder));
    }

    [Fact]
    public async Task UpdateAsync_CrashLeftTempFile_OldEnvelopeIntactAndTempRemovedAtStart()
    {
        var spool = temp.Create();
        var envelope = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None);
        var queuedJson = Path.Combine(temp.QueueFolder, envelope.QueueId + ".json");
        var before = await File.ReadAllBytesAsync(queuedJson);
        // A crash between writing the new version and renaming it over the old one.
        var halfWritten = Path.Combine(temp.TempFolder, envelope.QueueId + ".0123.json");
        await File.WriteAllTextAsync(halfWritten, "{\"version\": 1, \"queueId\": \"trunc");

        var recovered = Assert.Single(await temp.Create().RecoverAsync());

        Assert.Equal(before, await File.ReadAllBytesAsync(queuedJson));
        Assert.Equal(0, recovered.Attempts);
        Assert.False(File.Exists(halfWritten));
    }

    [Fact]
    public async Task UpdateAsync_AfterStaleTempFile_StillSucceeds()
    {
        var spool = temp.Create();
        var envelope = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(temp.TempFolder, envelope.QueueId + ".json"), "stale");
        envelope.Attempts = 1;

        await spool.UpdateAsync(envelope);

        Assert.Equal(1, (await spool.ListAsync()).Single().Attempts);
    }

    [Fact]
    public async Task UpdateAsync_CompletedEntry_ThrowsAndDoesNotResurrect()
    {
        var spool = temp.Create();
        var envelope = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None);
        await spool.CompleteAsync(envelope);

        await Assert.ThrowsAsync<InvalidOperationException>(() => spool.UpdateAsync(envelope));

        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.QueueFolder));
    }

    [Fact]
    public async Task CompleteAsync_Entry_RemovesBothFiles()
    {
        var spool = temp.Create();
        var keep = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("keep"), CancellationToken.None);
        var done = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("done"), CancellationToken.None);

        await spool.CompleteAsync(done);

        Assert.Equal([keep.QueueId + ".eml", keep.QueueId + ".json"],
            Directory.EnumerateFiles(temp.QueueFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_Entries_ReturnsOldestFirst()
    {
        var spool = temp.Create();
        var first = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("1"), CancellationToken.None);
        temp.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("2"), CancellationToken.None);

        var listed = await spool.ListAsync();

        Assert.Equal([first.QueueId, second.QueueId], listed.Select(e => e.QueueId));
    }

    [Fact]
    public async Task ListAsync_NoSpoolYet_ReturnsEmpty()
    {
        Assert.Empty(await temp.Create().ListAsync());
    }

    [Fact]
    public void Envelope_Domains_GroupsPendingRecipientsByLowerCaseDomain()
    {
        var envelope = new Envelope
        {
            QueueId = "0000000000000000",
            Sender = "s@example.org",
            Recipients =
            [
                new() { Address = "a@Example.NET" },
                new() { Address = "b@example.net" },
                new() { Address = "c@other.example", Status = RecipientStatus.Delivered },
                new() { Address = "d@third.example" },
                new() { Address = "postmaster" },
            ],
        };

        var domains = envelope.Domains;

        Assert.Equal(["", "example.net", "third.example"], domains.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["a@Example.NET", "b@example.net"], domains["example.net"].Select(r => r.Address));
        Assert.True(envelope.HasPendingRecipients);
    }
}
