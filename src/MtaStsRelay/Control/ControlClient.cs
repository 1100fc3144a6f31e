namespace MtaStsRelay.Control;

/// <summary>
/// The command's side of <see cref="ControlFolder"/>: hands a request to the running relay and waits
/// (bounded) for its answer. A file watcher says when the answer appears; a short poll on the wall
/// clock covers a watcher that missed it, and the deadline runs on the command's clock.
/// </summary>
internal static class ControlClient
{
    /// <summary>How often to look for the answer when the watcher stays silent (wall clock: another process writes it).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Submits <paramref name="request"/>, valid for <paramref name="timeout"/>, and returns the
    /// relay's answer, or an exit-3 result saying whether the request was withdrawn untouched or the
    /// relay took it without answering in time. Cancellation (Ctrl-C) withdraws it the same way.
    /// </summary>
    public static async Task<ControlResult> SendAsync(ControlFolder folder, ControlRequest request, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        // The deadline starts with the request's expiry, before the request is visible: a relay (or a
        // test clock) acting on the request at once must find the deadline already running.
        request = request with { ExpiresAt = time.GetUtcNow() + timeout };
        using var deadline = new CancellationTokenSource(timeout, time);
        using var appeared = new SemaphoreSlim(0);
        using var watcher = folder.Watch(request.Id + ".result", () => appeared.Release());
        await folder.SubmitAsync(request, cancellationToken);

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            while (true)
            {
                if (await folder.TryTakeResultAsync(request.Id) is { } result)
                {
                    return result;
                }

                await appeared.WaitAsync(PollInterval, waiting.Token); // the poll interval is wall clock, the deadline the command's
            }
        }
        catch (OperationCanceledException) when (waiting.IsCancellationRequested)
        {
            return await GiveUpAsync(folder, request.Id, timeout);
        }
    }

    private static async Task<ControlResult> GiveUpAsync(ControlFolder folder, string id, TimeSpan timeout)
    {
        if (folder.TryWithdraw(id))
        {
            return new ControlResult(ControlResult.NoAnswer,
                [$"the spool lock is held, but nobody took the request within {timeout.TotalSeconds:0} s (the relay starting, stopping or hung, or another command holding the lock); nothing was changed"])
            {
                Withdrawn = true,
            };
        }

        // Claimed: the answer may have landed at the last moment.
        return await folder.TryTakeResultAsync(id) ?? new ControlResult(ControlResult.NoAnswer,
            [$"the relay took the request but did not answer within {timeout.TotalSeconds:0} s; it may still apply it: look again with 'queue show' or 'policy show'"]);
    }
}
