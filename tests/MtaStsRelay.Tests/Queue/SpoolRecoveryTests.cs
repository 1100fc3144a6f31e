using MtaStsRelay.Queue;

namespace MtaStsRelay.Tests.Queue;

public sealed class SpoolRecoveryTests : IDisposable
{
    private readonly TempSpool temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task RecoverAsync_CorruptJson_MovesEntryToCorruptAndRecoversOthers()
    {
        var spool = temp.Create();
        var good = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("good"), CancellationToken.None);
        var bad = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("bad"), CancellationToken.None);
        await File.WriteAllTextAsync(Json(bad.QueueId), "{ this is not json");

        var recovered = await temp.Create().RecoverAsync();

        Assert.Equal(good.QueueId, Assert.Single(recovered).QueueId);
        Assert.Equal("{ this is not json", await File.ReadAllTextAsync(Path.Combine(temp.CorruptFolder, bad.QueueId + ".json")));
        Assert.Equal("bad\r\n", await File.ReadAllTextAsync(Path.Combine(temp.CorruptFolder, bad.QueueId + ".eml")));
        Assert.False(File.Exists(Json(bad.QueueId)));
        var line = Assert.Single(temp.Log.Entries, e => e.Id.Id == 1004);
        Assert.Contains(bad.QueueId + ".json", line.Message, StringComparison.Ordinal);
        Assert.Contains("unreadable envelope", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecoverAsync_JsonWithoutEml_MovesToCorrupt()
    {
        var spool = temp.Create();
        var entry = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None);
        File.Delete(spool.MessagePath(entry.QueueId));

        var recovered = await temp.Create().RecoverAsync();

        Assert.Empty(recovered);
        Assert.True(File.Exists(Path.Combine(temp.CorruptFolder, entry.QueueId + ".json")));
        Assert.Contains(temp.Log.Entries, e => e.Id.Id == 1004 && e.Message.Contains("is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecoverAsync_TruncatedEml_MovesToCorrupt()
    {
        var spool = temp.Create();
        var entry = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("a longer body"), CancellationToken.None);
        await File.WriteAllTextAsync(spool.MessagePath(entry.QueueId), "a lo");

        Assert.Empty(await temp.Create().RecoverAsync());

        Assert.Equal("a lo", await File.ReadAllTextAsync(Path.Combine(temp.CorruptFolder, entry.QueueId + ".eml")));
    }

    [Theory]
    [InlineData("{\"version\": 2, \"queueId\": \"ID\", \"sender\": \"\", \"recipients\": []}", "unsupported version 2")]
    [InlineData("{\"queueId\": \"ID\", \"sender\": \"\", \"recipients\": [{\"address\": \"a@b.example\"}]}", "version")]
    [InlineData("{\"version\": 1, \"queueId\": \"ID\", \"sender\": \"\", \"recipients\": []}", "no recipients")]
    [InlineData("{\"version\": 1, \"queueId\": \"0000000000000000\", \"sender\": \"\", \"recipients\": [{\"address\": \"a@b.example\"}]}", "names queue id")]
    [InlineData("null", "json null")]
    public async Task RecoverAsync_InconsistentEnvelope_MovesToCorruptWithReason(string json, string reason)
    {
        var spool = temp.Create();
        var entry = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None);
        await File.WriteAllTextAsync(Json(entry.QueueId), json.Replace("\"ID\"", $"\"{entry.QueueId}\"", StringComparison.Ordinal));

        Assert.Empty(await temp.Create().RecoverAsync());

        Assert.True(File.Exists(Path.Combine(temp.CorruptFolder, entry.QueueId + ".json")));
        Assert.Contains(temp.Log.Entries, e => e.Id.Id == 1004 && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecoverAsync_SameNameAlreadyInCorrupt_KeepsBoth()
    {
        var spool = temp.Create();
        var entry = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("x"), CancellationToken.None);
        Directory.CreateDirectory(temp.CorruptFolder);
        await File.WriteAllTextAsync(Path.Combine(temp.CorruptFolder, entry.QueueId + ".json"), "older");
        await File.WriteAllTextAsync(Json(entry.QueueId), "newer");

        await temp.Create().RecoverAsync();

        var kept = Directory.EnumerateFiles(temp.CorruptFolder).Select(File.ReadAllText).ToList();
        Assert.Contains("older", kept);
        Assert.Contains("newer", kept);
    }

    [Fact]
    public async Task RecoverAsync_OrphanEmlAndTempFiles_AreRemoved()
    {
        var spool = temp.Create();
        var kept = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("kept"), CancellationToken.None);
        var orphanId = spool.NewQueueId();
        await File.WriteAllTextAsync(Path.Combine(temp.QueueFolder, orphanId + ".eml"), "never acknowledged");
        await File.WriteAllTextAsync(Path.Combine(temp.TempFolder, orphanId + ".eml"), "half");
        await File.WriteAllTextAsync(Path.Combine(temp.TempFolder, orphanId + ".json"), "{");

        var recovered = await temp.Create().RecoverAsync();

        Assert.Equal(kept.QueueId, Assert.Single(recovered).QueueId);
        Assert.False(File.Exists(Path.Combine(temp.QueueFolder, orphanId + ".eml")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.TempFolder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.CorruptFolder));
        Assert.Contains(temp.Log.Entries, e => e.Id.Id == 1006 && e.Message.Contains(orphanId, StringComparison.Ordinal));
        Assert.Equal(2, temp.Log.Entries.Count(e => e.Id.Id == 1005));
    }

    [Fact]
    public async Task RecoverAsync_MessageLeftBehindByAnEarlierMoveToCorrupt_JoinsItsEnvelopeNotDeleted()
    {
        // An earlier start moved the envelope to corrupt/ but could not move the message.
        var spool = temp.Create();
        var entry = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("keep me"), CancellationToken.None);
        Directory.CreateDirectory(temp.CorruptFolder);
        File.Move(Json(entry.QueueId), Path.Combine(temp.CorruptFolder, entry.QueueId + ".json"));

        var recovered = await temp.Create().RecoverAsync();

        Assert.Empty(recovered);
        Assert.Equal("keep me\r\n", await File.ReadAllTextAsync(Path.Combine(temp.CorruptFolder, entry.QueueId + ".eml")));
        Assert.False(File.Exists(spool.MessagePath(entry.QueueId)));
        Assert.DoesNotContain(temp.Log.Entries, e => e.Id.Id == 1006);
    }

    [Fact]
    public async Task RecoverAsync_FileNameNotAQueueId_MovesToCorrupt()
    {
        Directory.CreateDirectory(temp.QueueFolder);
        await File.WriteAllTextAsync(Path.Combine(temp.QueueFolder, "stray.json"), "{}");

        Assert.Empty(await temp.Create().RecoverAsync());

        Assert.True(File.Exists(Path.Combine(temp.CorruptFolder, "stray.json")));
    }

    [Fact]
    public async Task RecoverAsync_Entries_ReturnsOldestFirstAndCreatesFolders()
    {
        var spool = temp.Create();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes($"{i}"), CancellationToken.None)).QueueId);
        }

        var recovered = await temp.Create().RecoverAsync();

        Assert.Equal(ids, recovered.Select(e => e.QueueId));
        Assert.True(Directory.Exists(temp.CorruptFolder));
    }

    [Fact]
    public async Task ListAsync_CorruptEntry_SkipsWithoutMoving()
    {
        var spool = temp.Create();
        var good = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("good"), CancellationToken.None);
        var bad = await spool.EnqueueAsync(TempSpool.Draft(spool), TempSpool.Bytes("bad"), CancellationToken.None);
        await File.WriteAllTextAsync(Json(bad.QueueId), "{");

        var listed = await spool.ListAsync();

        Assert.Equal(good.QueueId, Assert.Single(listed).QueueId);
        Assert.True(File.Exists(Json(bad.QueueId)));
        Assert.Contains(temp.Log.Entries, e => e.Id.Id == 1008);
    }

    private string Json(string queueId) => Path.Combine(temp.QueueFolder, queueId + ".json");
}
