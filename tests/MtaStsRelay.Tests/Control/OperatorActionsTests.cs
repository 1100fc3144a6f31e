using MtaStsRelay.Control;

namespace MtaStsRelay.Tests.Control;

/// <summary>A request file is input from outside the relay: checked before anything is touched.</summary>
public sealed class OperatorActionsTests
{
    private static readonly OperatorActions Actions = new(
        () => throw new InvalidOperationException("must not reach the queue"),
        () => throw new InvalidOperationException("must not reach the policies"));

    [Theory]
    [InlineData("QueueDelete", "../../etc/passwd", null)]
    [InlineData("QueueBounce", "0000000000000000/..", null)]
    [InlineData("PolicyForget", null, "../example.com")]
    [InlineData("PolicyRefresh", null, "EXAMPLE.com")]
    [InlineData("QueueRetry", null, null)]
    public async Task ApplyAsync_BadTarget_UsageErrorNothingTouched(string action, string? queueId, string? domain)
    {
        var request = new ControlRequest { Id = ControlRequest.NewId(), Action = Enum.Parse<ControlAction>(action), QueueId = queueId, Domain = domain, ExpiresAt = DateTimeOffset.MaxValue };

        var result = await Actions.ApplyAsync(request, CancellationToken.None);

        Assert.Equal(ControlResult.UsageError, result.ExitCode);
    }
}
