using MtaStsRelay.Control;
using MtaStsRelay.Delivery;
using MtaStsRelay.Queue;
using MtaStsRelay.Tests.Queue;

namespace MtaStsRelay.Tests.Control;

/// <summary>
/// The running relay's custody of queued messages: the worker's side (schedule, take for delivery,
/// finish) against the operator's side (take, retry), on a fake clock.
/// </summary>
public sealed class MessageCustodyTests : IDisposable
{
    private readonly TempSpool _temp = new();
    private readonly Spool _spool;
    private readonly DueQueue _due;
    private readonly MessageCustody _custody;

    public MessageCustodyTests()
    {
        _spool = _temp.Create();
        _due = new DueQueue(_temp.Clock);
        _custody = new MessageCustody(_due, _spool, _temp.Clock);
    }

    private DateTimeOffset Now => _temp.Clock.GetUtcNow();

    private DateTimeOffset Deadline => Now + TimeSpan.FromSeconds(9);

    public void Dispose()
    {
        _due.Dispose();
        _temp.Dispose();
    }

    private static CancellationToken Bound() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    /// <summary>A message in the spool; scheduled (due after <paramref name="later"/>) unless <paramref name="schedule"/> is false.</summary>
    private async Task<Envelope> QueueAsync(TimeSpan later = default, bool schedule = true)
    {
        var envelope = await _spool.EnqueueAsync(TempSpool.Draft(_spool), TempSpool.Bytes("Subject: x\r\n\r\nhello"), CancellationToken.None);
        envelope.NextAttemptAt = Now + later;
        if (schedule)
        {
            _custody.Schedule(envelope);
        }

        return envelope;
    }

    [Fact]
    public async Task TakeAsync_Scheduled_TakenOffTheSchedule()
    {
        var envelope = await QueueAsync(TimeSpan.FromMinutes(5));

        var custody = await _custody.TakeAsync(envelope.QueueId, Deadline, Bound());

        Assert.Equal(CustodyStatus.Taken, custody.Status);
        Assert.Same(envelope, custody.Envelope);
        Assert.Equal(0, _custody.ScheduledCount);
    }

    [Fact]
    public async Task TakeAsync_NotQueued_NotFound()
    {
        var custody = await _custody.TakeAsync("0000000000000000", Deadline, Bound());

        Assert.Equal(CustodyStatus.NotFound, custody.Status);
    }

    [Fact]
    public async Task TakeAsync_InFlight_WaitsAndGetsItInsteadOfTheSchedule()
    {
        var envelope = await QueueAsync();
        var delivering = await _custody.TakeDueAsync(Bound());

        var take = _custody.TakeAsync(envelope.QueueId, Deadline, Bound());
        Assert.False(take.IsCompleted);
        _custody.Schedule(delivering); // the attempt deferred it

        var custody = await take.WaitAsync(Bound());
        Assert.Equal(CustodyStatus.Taken, custody.Status);
        Assert.Same(envelope, custody.Envelope);
        Assert.Equal(0, _custody.ScheduledCount);
    }

    [Fact]
    public async Task TakeAsync_InFlightAndFinishedByTheAttempt_Finished()
    {
        var envelope = await QueueAsync();
        var delivering = await _custody.TakeDueAsync(Bound());
        var take = _custody.TakeAsync(envelope.QueueId, Deadline, Bound());

        _custody.Finished(delivering);

        Assert.Equal(CustodyStatus.Finished, (await take.WaitAsync(Bound())).Status);
    }

    [Fact]
    public async Task TakeAsync_InFlightPastDeadline_BusyAndTheAttemptKeepsIt()
    {
        var envelope = await QueueAsync();
        var delivering = await _custody.TakeDueAsync(Bound());
        var take = _custody.TakeAsync(envelope.QueueId, Deadline, Bound());

        _temp.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(CustodyStatus.Busy, (await take.WaitAsync(Bound())).Status);
        _custody.Schedule(delivering);
        Assert.Equal(1, _custody.ScheduledCount);
    }

    [Fact]
    public async Task TakeAsync_SpooledNotYetScheduled_HandedOverWhenScheduled()
    {
        var envelope = await QueueAsync(schedule: false);
        var take = _custody.TakeAsync(envelope.QueueId, Deadline, Bound());
        Assert.False(take.IsCompleted);

        _custody.Schedule(envelope);

        Assert.Same(envelope, (await take.WaitAsync(Bound())).Envelope);
        Assert.Equal(0, _custody.ScheduledCount);
    }

    [Fact]
    public async Task TakeDueAsync_MessageAnOperatorWaitsFor_HandedToTheOperatorNotDelivered()
    {
        // The window between the schedule giving a message out and the worker marking it in flight.
        var wanted = await QueueAsync(schedule: false);
        var take = _custody.TakeAsync(wanted.QueueId, Deadline, Bound());
        _due.Schedule(wanted);

        var delivering = _custody.TakeDueAsync(Bound());
        Assert.Same(wanted, (await take.WaitAsync(Bound())).Envelope);
        Assert.False(delivering.IsCompleted);

        var next = await QueueAsync();
        Assert.Same(next, await delivering.WaitAsync(Bound()));
    }

    [Fact]
    public async Task GiveBack_TakenMessage_OnTheScheduleAgain()
    {
        var envelope = await QueueAsync(TimeSpan.FromMinutes(5));
        var custody = await _custody.TakeAsync(envelope.QueueId, Deadline, Bound());

        _custody.GiveBack(custody.Envelope!);

        Assert.Equal(1, _custody.ScheduledCount);
    }

    [Fact]
    public async Task RetryNowAsync_DueLater_DeliveredWithoutTheClockMoving()
    {
        var envelope = await QueueAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(RetryOutcome.Rescheduled, await _custody.RetryNowAsync(envelope.QueueId));

        Assert.Same(envelope, await _custody.TakeDueAsync(Bound()));
        Assert.Equal(Now, envelope.NextAttemptAt);
    }

    [Fact]
    public async Task RetryNowAsync_InFlight_InFlight()
    {
        var envelope = await QueueAsync();
        await _custody.TakeDueAsync(Bound());

        Assert.Equal(RetryOutcome.InFlight, await _custody.RetryNowAsync(envelope.QueueId));
    }

    [Fact]
    public async Task RetryNowAsync_NotQueued_NotFound() =>
        Assert.Equal(RetryOutcome.NotFound, await _custody.RetryNowAsync("0000000000000000"));

    [Fact]
    public async Task RetryAllNowAsync_CountsBroughtForwardAndInFlight()
    {
        await QueueAsync();
        await _custody.TakeDueAsync(Bound());
        var later = await QueueAsync(TimeSpan.FromMinutes(5));
        var muchLater = await QueueAsync(TimeSpan.FromHours(1));

        Assert.Equal((2, 1), await _custody.RetryAllNowAsync());

        Assert.Equal(Now, later.NextAttemptAt);
        Assert.Equal(Now, muchLater.NextAttemptAt);
    }

    [Fact]
    public async Task RetryAllNowAsync_ManyScheduled_EachTakenOnceWithoutTimePassingEarliestFirst()
    {
        var overdue = await QueueAsync(-TimeSpan.FromMinutes(1));
        var queued = new List<Envelope> { overdue };
        for (var i = 1; i <= 20; i++)
        {
            queued.Add(await QueueAsync(TimeSpan.FromMinutes(i)));
        }

        await _custody.RetryAllNowAsync();
        var taken = new List<Envelope>();
        for (var i = 0; i < queued.Count; i++)
        {
            taken.Add(await _custody.TakeDueAsync(Bound()));
        }

        Assert.Same(overdue, taken[0]); // it was due before the retry and keeps its turn
        Assert.Equal(queued.Select(e => e.QueueId).Order(), taken.Select(e => e.QueueId).Order());
        Assert.Equal(0, _custody.ScheduledCount);
    }
}
