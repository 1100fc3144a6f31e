using MtaStsRelay.Control;
using MtaStsRelay.Tests.Queue;

namespace MtaStsRelay.Tests.Control;

public sealed class ControlFolderTests : IDisposable
{
    private readonly TempSpool _temp = new();
    private readonly ControlFolder _folder;

    public ControlFolderTests() => _folder = new ControlFolder(_temp.SpoolPath);

    public void Dispose() => _temp.Dispose();

    private static ControlRequest Request(ControlAction action = ControlAction.QueueRetry) => new()
    {
        Id = ControlRequest.NewId(),
        Action = action,
        QueueId = "0000000000000000",
        ExpiresAt = new DateTimeOffset(2026, 11, 28, 12, 0, 10, TimeSpan.Zero),
    };

    [Fact]
    public async Task SubmitAsync_ThenClaim_RequestReadBackAndNoLongerPending()
    {
        var request = Request(ControlAction.QueueBounce);
        await _folder.SubmitAsync(request, CancellationToken.None);
        Assert.Equal([request.Id], _folder.PendingRequestIds());

        var (claimed, problem) = await _folder.TryClaimAsync(request.Id);

        Assert.Null(problem);
        Assert.Equal(request, claimed);
        Assert.Empty(_folder.PendingRequestIds());
        Assert.Empty(Directory.GetFiles(_folder.FolderPath, "*.tmp"));
    }

    [Fact]
    public async Task TryWithdraw_BeforeClaim_TrueAndTheRelayNeverSeesIt()
    {
        var request = Request();
        await _folder.SubmitAsync(request, CancellationToken.None);

        Assert.True(_folder.TryWithdraw(request.Id));

        Assert.Equal((null, null), await _folder.TryClaimAsync(request.Id));
        Assert.Empty(Directory.GetFiles(_folder.FolderPath));
    }

    [Fact]
    public async Task TryWithdraw_AfterClaim_False()
    {
        var request = Request();
        await _folder.SubmitAsync(request, CancellationToken.None);
        await _folder.TryClaimAsync(request.Id);

        Assert.False(_folder.TryWithdraw(request.Id));
    }

    [Fact]
    public async Task AnswerAsync_ThenTake_ResultOnceAndClaimRemoved()
    {
        var request = Request();
        await _folder.SubmitAsync(request, CancellationToken.None);
        await _folder.TryClaimAsync(request.Id);

        await _folder.AnswerAsync(request.Id, ControlResult.Ok("done", "second line"));

        var result = await _folder.TryTakeResultAsync(request.Id);
        Assert.Equal(0, result!.ExitCode);
        Assert.Equal(["done", "second line"], result.Lines);
        Assert.Null(await _folder.TryTakeResultAsync(request.Id));
        Assert.Empty(Directory.GetFiles(_folder.FolderPath));
    }

    [Fact]
    public async Task TryClaimAsync_NotJson_ProblemAndClaimDropped()
    {
        var id = ControlRequest.NewId();
        Directory.CreateDirectory(_folder.FolderPath);
        await File.WriteAllTextAsync(Path.Combine(_folder.FolderPath, id + ".request"), "not json");

        var (request, problem) = await _folder.TryClaimAsync(id);

        Assert.Null(request);
        Assert.NotNull(problem);
        Assert.Empty(Directory.GetFiles(_folder.FolderPath));
    }

    [Fact]
    public void PendingRequestIds_IgnoresFilesThatAreNotRequests()
    {
        Directory.CreateDirectory(_folder.FolderPath);
        File.WriteAllText(Path.Combine(_folder.FolderPath, "etc.request"), "{}");
        File.WriteAllText(Path.Combine(_folder.FolderPath, ControlRequest.NewId() + ".tmp"), "{}");

        Assert.Empty(_folder.PendingRequestIds());
    }

    [Fact]
    public async Task RemoveLeftovers_RemovesClaimsKeepsRequestsAndFreshAnswers()
    {
        var waiting = Request();
        var interrupted = Request();
        var answered = Request();
        foreach (var request in new[] { waiting, interrupted, answered })
        {
            await _folder.SubmitAsync(request, CancellationToken.None);
        }

        await _folder.TryClaimAsync(interrupted.Id);
        await _folder.TryClaimAsync(answered.Id);
        await _folder.AnswerAsync(answered.Id, ControlResult.Ok("done"));

        Assert.Equal(1, _folder.RemoveLeftovers(TimeSpan.FromHours(1)));

        Assert.Equal([waiting.Id], _folder.PendingRequestIds());
        Assert.NotNull(await _folder.TryTakeResultAsync(answered.Id));
    }
}
