using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MtaSts.Resolution;
using MtaStsRelay.Delivery;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Control;

/// <summary>
/// The running relay's side of <see cref="ControlFolder"/>: applies operator requests from
/// <c>spool/control/</c>, one at a time, inside the relay: queue actions through the delivery
/// worker's <see cref="MessageCustody"/>, policy actions through the relay's own
/// <see cref="PolicyResolver"/>, so memory and disk change together. A file watcher reports new
/// requests at once; a scan every second (wall clock) catches whatever a watcher misses.
/// </summary>
internal sealed class ControlService(
    Spool spool,
    DeliveryWorker worker,
    BounceSender bounces,
    PolicyResolver resolver,
    TimeProvider time,
    ILogger<ControlService> logger) : BackgroundService
{
    /// <summary>How often the folder is scanned without a watcher event.</summary>
    public static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);

    /// <summary>Answers nobody fetched are removed at the next start once they are this old.</summary>
    private static readonly TimeSpan AnswerMaxAge = TimeSpan.FromHours(1);

    private string? _lastFolderError;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = new ControlFolder(spool.SpoolPath);
        await Guard(folder, () =>
        {
            Directory.CreateDirectory(folder.FolderPath);
            if (folder.RemoveLeftovers(AnswerMaxAge) is > 0 and var removed)
            {
                ControlLog.LeftoversRemoved(logger, folder.FolderPath, removed);
            }

            return Task.CompletedTask;
        });

        var actions = new OperatorActions(
            () => new QueueActions(worker.Custody, spool, bounces, time, logger),
            () => new PolicyActions(resolver, logger));
        using var arrived = new SemaphoreSlim(0);
        using var watcher = folder.Watch("*.request", () => arrived.Release());
        if (watcher is null)
        {
            ControlLog.WatchUnavailable(logger, folder.FolderPath, (long)ScanInterval.TotalMilliseconds);
        }

        try
        {
            while (true)
            {
                await Guard(folder, () => ApplyPendingAsync(folder, actions, stoppingToken));
                // Wall clock on purpose: the scan stands in for a missed file event, which happens in
                // real time even when the relay's clock is a test's fake one.
                await arrived.WaitAsync(ScanInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Requests not taken yet stay; their commands withdraw them when they stop waiting.
        }
    }

    /// <summary>
    /// Runs a step on the folder; a file system error there is logged (once per distinct reason) and
    /// the next scan tries again: operator control must never stop the relay's deliveries.
    /// </summary>
    private async Task Guard(ControlFolder folder, Func<Task> step)
    {
        try
        {
            await step();
            _lastFolderError = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (e.Message != _lastFolderError)
            {
                ControlLog.FolderError(logger, folder.FolderPath, e.Message);
                _lastFolderError = e.Message;
            }
        }
    }

    private async Task ApplyPendingAsync(ControlFolder folder, OperatorActions actions, CancellationToken stoppingToken)
    {
        foreach (var id in folder.PendingRequestIds())
        {
            stoppingToken.ThrowIfCancellationRequested();
            var (request, problem) = await folder.TryClaimAsync(id);
            if (request is null)
            {
                if (problem is not null)
                {
                    ControlLog.Unreadable(logger, id, problem);
                    await folder.AnswerAsync(id, new ControlResult(ControlResult.UsageError, [$"the relay could not read the request: {problem}"]));
                }

                continue; // or withdrawn by its command just now
            }

            if (request.ExpiresAt <= time.GetUtcNow())
            {
                ControlLog.Expired(logger, id, request.Action, request.Target);
                folder.DropClaim(id);
                continue;
            }

            ControlLog.Received(logger, id, request.Action, request.Target);
            var result = await ApplyAsync(actions, request, stoppingToken);
            await folder.AnswerAsync(id, result);
            ControlLog.Answered(logger, id, request.Action, request.Target, result.ExitCode, result.Lines.Count > 0 ? result.Lines[0] : "");
        }
    }

    private async Task<ControlResult> ApplyAsync(OperatorActions actions, ControlRequest request, CancellationToken stoppingToken)
    {
        try
        {
            return await actions.ApplyAsync(request, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // A bug or a disk error in one request must not stop the relay or leave the command waiting.
            ControlLog.ActionFailed(logger, request.Action, request.Target, e.Message, e);
            return ControlResult.Nothing($"{request.Target}: failed: {e.Message}");
        }
    }
}
