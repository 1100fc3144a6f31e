using MtaSts;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Control;

/// <summary>
/// Applies a <see cref="ControlRequest"/>: the one entry point for the running relay (requests from
/// <c>control/</c>) and for a command working directly with the relay stopped, so both give the same
/// answers. The actions are made on first use: a queue command never builds the policy resolver.
/// </summary>
internal sealed class OperatorActions(Func<QueueActions> queue, Func<PolicyActions> policies)
{
    /// <summary>
    /// An action waiting for a running attempt gives up this long before the command does, so the
    /// command still hears "busy" rather than nothing.
    /// </summary>
    public static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(1);

    public Task<ControlResult> ApplyAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        // A request file is input from outside the relay: its id becomes part of a path.
        if (request.QueueId is { } queueId && !QueueId.IsValid(queueId))
        {
            return Task.FromResult(new ControlResult(ControlResult.UsageError, [$"'{queueId}' is not a queue id"]));
        }

        if (request.Domain is { } name && (!DomainName.TryNormalize(name, out var normalized, out _) || normalized != name))
        {
            return Task.FromResult(new ControlResult(ControlResult.UsageError, [$"'{name}' is not a normalized domain name"]));
        }

        var deadline = request.ExpiresAt - AnswerMargin;
        return request switch
        {
            { Action: ControlAction.QueueRetry, All: true } => queue().RetryAllAsync(),
            { Action: ControlAction.QueueRetry, QueueId: { } id } => queue().RetryAsync(id),
            { Action: ControlAction.QueueDelete, QueueId: { } id } => queue().DeleteAsync(id, deadline, cancellationToken),
            { Action: ControlAction.QueueBounce, QueueId: { } id } => queue().BounceAsync(id, deadline, cancellationToken),
            { Action: ControlAction.PolicyRefresh, Domain: { } domain } => policies().RefreshAsync(domain, cancellationToken),
            { Action: ControlAction.PolicyForget, Domain: { } domain } => policies().ForgetAsync(domain, cancellationToken),
            _ => Task.FromResult(new ControlResult(ControlResult.UsageError, [$"{request.Action}: the request lacks its queue id or domain"])),
        };
    }
}
