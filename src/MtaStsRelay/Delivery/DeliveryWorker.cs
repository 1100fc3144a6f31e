using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaStsRelay.Diagnostics;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Delivery;

/// <summary>
/// The delivery loop: recovers the spool at start, takes new messages from the listener, and runs
/// due messages with bounded concurrency. On shutdown it stops taking work and lets running
/// deliveries finish within the host's shutdown timeout; whatever is cut short stays in the spool in
/// its last consistent state and is retried at the next start.
/// </summary>
public sealed class DeliveryWorker(
    Spool spool,
    MessageDelivery delivery,
    RetrySchedule schedule,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly MessageCustody _custody = new(new DueQueue(time), spool, time);
    private readonly CancellationTokenSource _abort = new();
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();

    /// <summary>Messages waiting for their next attempt.</summary>
    public int Scheduled => _custody.ScheduledCount;

    /// <summary>Where operator actions (Control/) take messages from while the relay runs.</summary>
    internal MessageCustody Custody => _custody;

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Recovery finishes before StartAsync returns, and so before the listener (registered later)
        // starts: recovery clears tmp/, which must never race with a message being received.
        var recovered = await spool.RecoverAsync();
        foreach (var envelope in recovered)
        {
            _custody.Schedule(envelope);
        }

        DeliveryLog.WorkerStarted(logger, recovered.Count, options.Value.MaxConcurrentDeliveries);
        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var limit = options.Value.MaxConcurrentDeliveries;
        using var slots = new SemaphoreSlim(limit);
        var intake = Task.Run(() => TakeNewMessagesAsync(stoppingToken), CancellationToken.None);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var envelope = await _custody.TakeDueAsync(stoppingToken);
                Track(RunOneAsync(envelope, slots));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        DeliveryLog.WorkerStopping(logger, running.Length);
        try
        {
            // Wall-clock on purpose, like the host's own shutdown timeout it must fit into.
            await Task.WhenAll(running).WaitAsync(options.Value.ShutdownGrace, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // Past the grace period: interrupt what is left. Their queue entries were never
            // touched mid-delivery, so they stay pending on disk and run again at the next start.
            await _abort.CancelAsync();
            await Task.WhenAll(running);
        }

        await intake;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _abort.Dispose();
        _custody.Dispose();
        base.Dispose();
    }

    private async Task TakeNewMessagesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var envelope in spool.NewMessages.ReadAllAsync(stoppingToken))
            {
                _custody.Schedule(envelope);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunOneAsync(Envelope envelope, SemaphoreSlim slots)
    {
        try
        {
            // Shutdown does not cancel a delivery at once: it gets the grace period, then _abort.
            if (await delivery.DeliverAsync(envelope, _abort.Token))
            {
                _custody.Finished(envelope);
            }
            else
            {
                _custody.Schedule(envelope);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            DeliveryLog.DeliveryInterrupted(logger, envelope.QueueId);
        }
        catch (Exception e)
        {
            // A bug or a disk error must not lose the message: it stays spooled and is tried again.
            DeliveryLog.DeliveryError(logger, envelope.QueueId, e.Message, e);
            RescheduleAfterError(envelope);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// After a failed attempt the memory copy goes back on the schedule: it keeps what the attempt
    /// delivered and its attempt count (MessageDelivery puts failures without their bounce back to
    /// pending). Gone from the spool ⇒ finished.
    /// </summary>
    private void RescheduleAfterError(Envelope envelope)
    {
        if (!spool.Contains(envelope.QueueId))
        {
            _custody.Finished(envelope);
            return;
        }

        envelope.NextAttemptAt = time.GetUtcNow() + schedule.Delay(Math.Max(envelope.Attempts, 1));
        _custody.Schedule(envelope);
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _running.Add(task);
        }

        task.ContinueWith(t =>
        {
            lock (_gate)
            {
                _running.Remove(t);
            }
        }, TaskScheduler.Default);
    }
}
