using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MtaStsRelay.Control;
using MtaStsRelay.Queue;
using MtaStsRelay.Tests.Queue;

namespace MtaStsRelay.Tests.Control;

public sealed class ServiceLockTests : IDisposable
{
    private readonly TempSpool _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TryAcquire_Free_HoldsLockFileInSpoolFolder()
    {
        using var held = ServiceLock.TryAcquire(_temp.SpoolPath);

        Assert.NotNull(held);
        Assert.True(File.Exists(Path.Combine(_temp.SpoolPath, ServiceLock.FileName)));
    }

    [Fact]
    public void TryAcquire_HeldByAnotherOpenFile_Null()
    {
        // flock is per open file, so a second open in the same process stands for another process.
        using var relay = ServiceLock.TryAcquire(_temp.SpoolPath);

        Assert.NotNull(relay);
        Assert.Null(ServiceLock.TryAcquire(_temp.SpoolPath));
    }

    [Fact]
    public void TryAcquire_AfterRelease_GetsIt()
    {
        ServiceLock.TryAcquire(_temp.SpoolPath)!.Dispose();

        using var again = ServiceLock.TryAcquire(_temp.SpoolPath);

        Assert.NotNull(again);
    }

    [Fact]
    public void IsSupported_DefaultRuntime_True() => Assert.True(ServiceLock.IsSupported);

    [Fact]
    public async Task ServiceLockHolder_LockHeldPastWait_RefusesToStartNamingTheSpool()
    {
        using var command = ServiceLock.TryAcquire(_temp.SpoolPath);
        using var holder = Holder(TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => holder.StartAsync(CancellationToken.None));

        Assert.Contains(Path.GetFullPath(_temp.SpoolPath), error.Message, StringComparison.Ordinal);
        Assert.Contains("another relay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceLockHolder_Started_HoldsLockUntilStopped()
    {
        using var holder = Holder(TimeSpan.Zero);

        await holder.StartAsync(CancellationToken.None);
        Assert.Null(ServiceLock.TryAcquire(_temp.SpoolPath));
        await holder.StopAsync(CancellationToken.None);

        using var after = ServiceLock.TryAcquire(_temp.SpoolPath);
        Assert.NotNull(after);
    }

    private ServiceLockHolder Holder(TimeSpan wait) => new(
        Options.Create(new SpoolOptions { Path = _temp.SpoolPath }),
        Options.Create(new ControlOptions { StartLockWait = wait }),
        new FakeTimeProvider(),
        NullLogger<ServiceLockHolder>.Instance);
}
