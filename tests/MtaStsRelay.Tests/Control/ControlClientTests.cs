using Microsoft.Extensions.Time.Testing;
using MtaStsRelay.Control;
using MtaStsRelay.Tests.Queue;

namespace MtaStsRelay.Tests.Control;

/// <summary>The command's wait for the relay, with no relay: the test plays the relay's part (or not) and moves the command's clock.</summary>
public sealed class ControlClientTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TempSpool _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly ControlFolder _folder;

    public ControlClientTests() => _folder = new ControlFolder(_temp.SpoolPath);

    public void Dispose() => _temp.Dispose();

    private Task<ControlResult> SendAsync() => ControlClient.SendAsync(
        _folder, new ControlRequest { Id = ControlRequest.NewId(), Action = ControlAction.QueueDelete, QueueId = "0000000000000000", ExpiresAt = default },
        Timeout, _time, CancellationToken.None);

    private async Task<string> WaitForRequestAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_folder.PendingRequestIds().Count == 0)
        {
            await Task.Delay(10, bound.Token);
        }

        return _folder.PendingRequestIds()[0];
    }

    [Fact]
    public async Task SendAsync_NobodyClaims_WithdrawnAndExit3NothingChanged()
    {
        var sending = SendAsync();
        await WaitForRequestAsync();

        _time.Advance(Timeout);
        var result = await sending;

        Assert.Equal(ControlResult.NoAnswer, result.ExitCode);
        Assert.Contains("nothing was changed", result.Lines[0], StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder.FolderPath));
    }

    [Fact]
    public async Task SendAsync_ClaimedButNeverAnswered_Exit3MayStillApply()
    {
        var sending = SendAsync();
        var (request, _) = await _folder.TryClaimAsync(await WaitForRequestAsync());

        _time.Advance(Timeout);
        var result = await sending;

        Assert.NotNull(request);
        Assert.Equal(ControlResult.NoAnswer, result.ExitCode);
        Assert.Contains("may still apply it", result.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Answered_ReturnsTheAnswerWithoutWaitingForTheDeadline()
    {
        var sending = SendAsync();
        var id = await WaitForRequestAsync();
        var (request, _) = await _folder.TryClaimAsync(id);

        await _folder.AnswerAsync(id, ControlResult.Nothing($"{request!.QueueId}: not in the queue"));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ControlResult.NothingDone, result.ExitCode);
        Assert.Equal(["0000000000000000: not in the queue"], result.Lines);
        Assert.Equal(_time.Start, _time.GetUtcNow());
        Assert.Empty(Directory.GetFiles(_folder.FolderPath));
    }

    [Fact]
    public async Task SendAsync_Request_CarriesItsDeadline()
    {
        var sending = SendAsync();
        var (request, _) = await _folder.TryClaimAsync(await WaitForRequestAsync());
        await _folder.AnswerAsync(request!.Id, ControlResult.Ok("done"));
        await sending;

        Assert.Equal(_time.Start + Timeout, request.ExpiresAt);
    }
}
