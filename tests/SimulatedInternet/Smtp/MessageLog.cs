namespace SimulatedInternet.Smtp;

/// <summary>Accepted messages plus the waiters of <see cref="TestMxServer.WaitForMessagesAsync"/>.</summary>
internal sealed class MessageLog
{
    private readonly List<ReceivedMessage> _messages = [];
    private readonly List<(int Count, TaskCompletionSource<IReadOnlyList<ReceivedMessage>> Done)> _waiters = [];

    public IReadOnlyList<ReceivedMessage> Snapshot()
    {
        lock (_messages)
        {
            return [.. _messages];
        }
    }

    public void Add(ReceivedMessage message)
    {
        lock (_messages)
        {
            _messages.Add(message);
            IReadOnlyList<ReceivedMessage> snapshot = [.. _messages];
            foreach (var waiter in _waiters.Where(w => w.Count <= snapshot.Count).ToList())
            {
                waiter.Done.TrySetResult(snapshot);
                _waiters.Remove(waiter);
            }
        }
    }

    public async Task<IReadOnlyList<ReceivedMessage>> WaitForAsync(int count, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<IReadOnlyList<ReceivedMessage>>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_messages)
        {
            if (_messages.Count >= count)
            {
                return [.. _messages];
            }

            _waiters.Add((count, done));
        }

        await using var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        return await done.Task;
    }
}
