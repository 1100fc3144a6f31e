using System.Collections.Concurrent;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Tests.Queue;

public sealed class QueueIdTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void New_Shape_Is16FileSafeUpperCaseCharacters()
    {
        var id = QueueId.New(Start);

        Assert.Equal(16, id.Length);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{16}$", id);
        Assert.True(QueueId.IsValid(id));
    }

    [Fact]
    public void New_LaterArrival_SortsAfter()
    {
        var ids = Enumerable.Range(0, 50).Select(i => QueueId.New(Start.AddMilliseconds(i * 7))).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void New_SameMillisecondOrClockBack_StillUniqueAndIncreasing()
    {
        var ids = new List<string> { QueueId.New(Start.AddHours(1)) };
        for (var i = 0; i < 100; i++)
        {
            ids.Add(QueueId.New(i % 2 == 0 ? Start.AddHours(1) : Start));
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task New_ManyThreadsSameClock_AllUnique()
    {
        var ids = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                ids.Add(QueueId.New(Start));
            }
        })));

        Assert.Equal(16000, ids.Distinct().Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789ABCDE")]
    [InlineData("0123456789ABCDEFG")]
    [InlineData("0123456789abcdef")]
    [InlineData("0123456789ABCDEI")]
    [InlineData("../../etc/passwd")]
    public void IsValid_NotAnId_False(string? value)
    {
        Assert.False(QueueId.IsValid(value));
    }
}
