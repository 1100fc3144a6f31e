using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Tests.Queue;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Arrived = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    // attempts made, minutes since arrival now, expected next attempt in minutes since arrival (null = expired)
    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 0, 5)]
    [InlineData(2, 5, 15)]
    [InlineData(3, 15, 35)]
    [InlineData(4, 35, 75)]
    [InlineData(5, 75, 135)]
    [InlineData(6, 135, 195)]
    [InlineData(40, 7000, 7060)]
    [InlineData(41, 7140, 7200)]
    [InlineData(42, 7141, null)]
    [InlineData(1, 7200, null)]
    public void NextAttempt_DefaultSchedule_FollowsTableAndExpiresAfterFiveDays(int attempts, int nowMinutes, int? expectedMinutes)
    {
        var clock = new FakeTimeProvider(Arrived);
        clock.Advance(TimeSpan.FromMinutes(nowMinutes));
        var schedule = new RetrySchedule(Options.Create(new QueueOptions()));

        var next = schedule.NextAttempt(Envelope(attempts), clock.GetUtcNow());

        Assert.Equal(expectedMinutes is null ? null : Arrived.AddMinutes(expectedMinutes.Value), next);
    }

    [Fact]
    public void NextAttempt_CustomSchedule_LastEntryRepeats()
    {
        var options = new QueueOptions { RetrySchedule = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3)], Lifetime = TimeSpan.FromHours(1) };
        var schedule = new RetrySchedule(Options.Create(options));

        Assert.Equal(Arrived.AddMinutes(1), schedule.NextAttempt(Envelope(1), Arrived));
        Assert.Equal(Arrived.AddMinutes(3), schedule.NextAttempt(Envelope(2), Arrived));
        Assert.Equal(Arrived.AddMinutes(3), schedule.NextAttempt(Envelope(9), Arrived));
        Assert.Null(schedule.NextAttempt(Envelope(9), Arrived.AddMinutes(58)));
        Assert.Equal(Arrived.AddHours(1), schedule.ExpiresAt(Envelope(0)));
    }

    // minutes since arrival, notice already sent, sender, expected
    [Theory]
    [InlineData(239, false, "s@example.org", false)]
    [InlineData(240, false, "s@example.org", true)]
    [InlineData(600, false, "s@example.org", true)]
    [InlineData(600, true, "s@example.org", false)]
    [InlineData(600, false, "", false)]
    public void IsDelayNoticeDue_DefaultFourHours_Table(int nowMinutes, bool sent, string sender, bool expected)
    {
        var clock = new FakeTimeProvider(Arrived);
        clock.Advance(TimeSpan.FromMinutes(nowMinutes));
        var envelope = Envelope(3, sender);
        envelope.DelayNoticeSent = sent;
        var schedule = new RetrySchedule(Options.Create(new QueueOptions()));

        Assert.Equal(expected, schedule.IsDelayNoticeDue(envelope, clock.GetUtcNow()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void IsDelayNoticeDue_NoticeOff_NeverDue(int? hours)
    {
        var options = new QueueOptions { DelayNotice = hours is null ? null : TimeSpan.FromHours(hours.Value) };
        var schedule = new RetrySchedule(Options.Create(options));

        Assert.False(schedule.IsDelayNoticeDue(Envelope(3), Arrived.AddDays(4)));
    }

    [Fact]
    public void IsDelayNoticeDue_NothingPending_False()
    {
        var envelope = Envelope(3);
        envelope.Recipients[0].Status = RecipientStatus.Delivered;
        var schedule = new RetrySchedule(Options.Create(new QueueOptions()));

        Assert.False(schedule.IsDelayNoticeDue(envelope, Arrived.AddDays(1)));
    }

    private static Envelope Envelope(int attempts, string sender = "s@example.org") => new()
    {
        QueueId = "0000000000000000",
        Sender = sender,
        Recipients = [new() { Address = "r@example.net" }],
        ArrivedAt = Arrived,
        Attempts = attempts,
    };
}
