using MtaStsRelay.Queue;

namespace MtaStsRelay.Tests.Queue;

public sealed class FolderSyncTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SyncAsync_AskedWhileASyncRuns_WaitsForANewSyncNotTheRunningOne()
    {
        using var firstStarted = new SemaphoreSlim(0);
        using var releaseFirst = new SemaphoreSlim(0);
        var syncs = 0;
        var folderSync = new FolderSync(() =>
        {
            if (Interlocked.Increment(ref syncs) == 1)
            {
                firstStarted.Release();
                releaseFirst.Wait(Bound);
            }
        });

        var first = folderSync.SyncAsync();
        Assert.True(await firstStarted.WaitAsync(Bound));
        var second = folderSync.SyncAsync();
        var third = folderSync.SyncAsync();
        Assert.False(second.IsCompleted);
        releaseFirst.Release();
        await Task.WhenAll(first, second, third).WaitAsync(Bound);

        // The running sync may have begun before the second caller's rename: the second and third
        // callers share one more sync, which started after they asked.
        Assert.Equal(2, Volatile.Read(ref syncs));
    }

    [Fact]
    public async Task SyncAsync_SyncFails_FaultsThatRoundAndTheNextRoundSucceeds()
    {
        var fail = true;
        var folderSync = new FolderSync(() =>
        {
            if (fail)
            {
                throw new IOException("disk gone");
            }
        });

        await Assert.ThrowsAsync<IOException>(() => folderSync.SyncAsync().WaitAsync(Bound));
        fail = false;
        await folderSync.SyncAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task SyncAsync_RealFolder_Completes()
    {
        var folder = Directory.CreateTempSubdirectory("foldersync-").FullName;
        try
        {
            var folderSync = new FolderSync(folder);

            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => folderSync.SyncAsync())).WaitAsync(Bound);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task SyncAsync_MissingFolder_FaultsWithIOException()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // folders are not fsynced there (DurableFile.SyncDirectory)
        }

        var folderSync = new FolderSync(Path.Combine(Path.GetTempPath(), "foldersync-missing-" + Guid.NewGuid().ToString("N")));

        await Assert.ThrowsAsync<IOException>(() => folderSync.SyncAsync().WaitAsync(Bound));
    }
}
