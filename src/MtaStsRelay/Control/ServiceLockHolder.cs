using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Control;

/// <summary>
/// Holds the <see cref="ServiceLock"/> while the relay runs. Registered as the first hosted service,
/// so the lock is held before the listener writes to the spool or the delivery worker recovers it,
/// and released last, after both have stopped. An operator command holding the lock for a direct
/// change is waited for (<see cref="ControlOptions.StartLockWait"/>); a lock still held after that
/// belongs to another relay on the same spool, and the relay refuses to start.
/// </summary>
internal sealed class ServiceLockHolder(
    IOptions<SpoolOptions> spool,
    IOptions<ControlOptions> options,
    TimeProvider time,
    ILogger<ServiceLockHolder> logger) : IHostedService, IDisposable
{
    /// <summary>How often the lock is tried again while waiting (wall clock: another process holds it).</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    private ServiceLock? _lock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!ServiceLock.IsSupported)
        {
            ControlLog.LockingDisabled(logger);
            return;
        }

        var path = Path.GetFullPath(spool.Value.Path);
        var wait = options.Value.StartLockWait;
        var deadline = time.GetUtcNow() + wait;
        var logged = false;
        while ((_lock = ServiceLock.TryAcquire(path)) is null)
        {
            if (time.GetUtcNow() >= deadline)
            {
                throw new InvalidOperationException(
                    $"the spool {path} is in use: {ServiceLock.FileName} is still locked after {wait} (another relay on the same Relay:Spool:Path?)");
            }

            if (!logged)
            {
                ControlLog.LockWaiting(logger, Path.Combine(path, ServiceLock.FileName), wait);
                logged = true;
            }

            await Task.Delay(RetryInterval, TimeProvider.System, cancellationToken);
        }

        ControlLog.LockAcquired(logger, Path.Combine(path, ServiceLock.FileName));
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
