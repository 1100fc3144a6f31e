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
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();

    /// <summary>Messages waiting for their next attempt.</summary>
    public int Scheduled => _custody.ScheduledCount;

    /// <summary>Where operator actions (Control/) take messages from while the relay runs.</summary>
    internal MessageCustody Custody => _custody;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recovered = await spool.RecoverAsync();
        foreach (var envelope in recovered)
        {
            _custody.Schedule(envelope);
        }

        var limit = options.Value.MaxConcurrentDeliveries;
        DeliveryLog.WorkerStarted(logger, recovered.Count, limit);
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
        await Task.WhenAll(running.Append(intake));
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
            // Deliveries are not cancelled by shutdown: each is bounded by the transport's timeouts,
            // and the host's shutdown timeout bounds the wait for them.
            if (await delivery.DeliverAsync(envelope, CancellationToken.None))
            {
                _custody.Finished(envelope);
            }
            else
            {
                _custody.Schedule(envelope);
            }
        }
        catch (Exception e)
        {
            // A bug or a disk error must not lose the message: it stays spooled and is tried again.
            DeliveryLog.DeliveryError(logger, envelope.QueueId, e.Message, e);
            envelope.NextAttemptAt = time.GetUtcNow() + schedule.Delay(Math.Max(envelope.Attempts, 1));
            _custody.Schedule(envelope);
        }
        finally
        {
            slots.Release();
        }
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
