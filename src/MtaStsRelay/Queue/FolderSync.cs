namespace MtaStsRelay.Queue;

/// <summary>
/// Group commit for one folder's fsync: every caller that asks while a folder fsync is running
/// shares the next one, so N messages spooled at the same time cost about one folder fsync instead
/// of N, and none answers 250 before its own rename is on disk.
/// </summary>
/// <remarks>
/// The guarantee is the one a private fsync gives: the sync a caller waits for STARTS after the
/// call, so it covers every rename or delete the caller made before calling. A sync already running
/// may have started before the caller's rename, which is why callers join the next one rather than
/// the running one (the same rule as a database's group commit, e.g. PostgreSQL's WAL flush).
/// </remarks>
internal sealed class FolderSync(Action syncFolder)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _next;
    private bool _running;

    /// <summary>Group commit of fsyncs of <paramref name="folder"/>.</summary>
    public FolderSync(string folder)
        : this(() => DurableFile.SyncDirectory(folder))
    {
    }

    /// <summary>Completes once a folder fsync that started after this call has finished; faults if it failed.</summary>
    public Task SyncAsync()
    {
        lock (_gate)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var waiter = _next.Task;
            if (!_running)
            {
                _running = true;
                _ = Task.Run(SyncWhileAsked);
            }

            return waiter;
        }
    }

    /// <summary>One fsync per round for everyone who asked before the round began; stops when nobody waits.</summary>
    private void SyncWhileAsked()
    {
        while (true)
        {
            TaskCompletionSource round;
            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }

                round = _next;
                _next = null;
            }

            try
            {
                syncFolder();
                round.SetResult();
            }
            catch (Exception exception)
            {
                round.SetException(exception);
            }
        }
    }
}
