using System.CommandLine;
using MtaStsRelay.Control;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Cli.Queue;

/// <summary>
/// <c>mtasts-relay queue list|show|retry|delete|bounce</c>: the operator's view of the spool and the
/// changes an operator may make, safe while the relay runs (docs/operations.md). list and show only
/// read envelope files, which the relay replaces atomically; the changes go through the running
/// relay, or are made directly under the spool lock when it is stopped.
/// Exit codes: 0 done, 1 not found or nothing to do, 2 usage or configuration error, 3 the running
/// relay did not answer in time.
/// </summary>
internal static class QueueCommand
{
    public static Command Create(CliContext context)
    {
        var queue = new Command("queue", "Look at and change the relay's queue (safe while the relay runs)");
        queue.Subcommands.Add(List(context));
        queue.Subcommands.Add(Show(context));
        queue.Subcommands.Add(Retry(context));
        queue.Subcommands.Add(Change(context, "delete", "Remove a message from the queue without a bounce", ControlAction.QueueDelete));
        queue.Subcommands.Add(Change(context, "bounce", "Fail a message's pending recipients now and send the sender one DSN", ControlAction.QueueBounce));
        return queue;
    }

    private static Command List(CliContext context)
    {
        var json = JsonOption("Print the queue as JSON (schema in docs/operations.md)");
        var command = new Command("list", "List queued messages, oldest first (like postqueue -p)") { json };
        command.SetAction((parse, _) => OperatorHost.RunAsync(context, parse, "queue list", async host =>
        {
            var envelopes = await host.Spool.ListAsync();
            var view = new QueueView(host.Get<RetrySchedule>(), host.Time.GetUtcNow());
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(view.ListJson(host.Spool.SpoolPath, envelopes));
            }
            else
            {
                view.WriteList(context.Output, envelopes);
            }

            return ControlResult.Done;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var id = QueueIdArgument();
        var json = JsonOption("Print the message as JSON (schema in docs/operations.md)");
        var command = new Command("show", "Show one message: envelope, each recipient's state, and the message headers") { id, json };
        command.SetAction((parse, _) => OperatorHost.RunAsync(context, parse, "queue show", async host =>
        {
            if (await CheckIdAsync(context, parse.GetValue(id)) is not { } queueId)
            {
                return ControlResult.UsageError;
            }

            var spool = host.Spool;
            if (await spool.FindAsync(queueId) is not { } envelope || MessageHeaders.TryRead(spool, queueId) is not { } headers)
            {
                await context.Error.WriteLineAsync($"{queueId}: not in the queue");
                return ControlResult.NothingDone;
            }

            var view = new QueueView(host.Get<RetrySchedule>(), host.Time.GetUtcNow());
            if (parse.GetValue(json))
            {
                await context.Output.WriteLineAsync(view.ShowJson(envelope, headers));
            }
            else
            {
                view.WriteShow(context.Output, envelope, headers);
            }

            return ControlResult.Done;
        }));
        return command;
    }

    private static Command Retry(CliContext context)
    {
        var id = QueueIdArgument();
        id.Arity = ArgumentArity.ZeroOrOne;
        var all = new Option<bool>("--all") { Description = "Every queued message" };
        var command = new Command("retry", "Deliver a message (or --all) now instead of at its next retry time") { id, all };
        command.SetAction((parse, ct) => OperatorHost.RunAsync(context, parse, "queue retry", async host =>
        {
            var everything = parse.GetValue(all);
            var oneMessage = parse.GetValue(id) is not null;
            if (everything == oneMessage)
            {
                await context.Error.WriteLineAsync("queue retry: give either a queue id or --all");
                return ControlResult.UsageError;
            }

            var queueId = everything ? null : await CheckIdAsync(context, parse.GetValue(id));
            if (!everything && queueId is null)
            {
                return ControlResult.UsageError;
            }

            return await ApplyAsync(host, new ControlRequest { Id = ControlRequest.NewId(), Action = ControlAction.QueueRetry, QueueId = queueId, All = everything, ExpiresAt = default }, ct);
        }));
        return command;
    }

    private static Command Change(CliContext context, string name, string description, ControlAction action)
    {
        var id = QueueIdArgument();
        var command = new Command(name, description) { id };
        command.SetAction((parse, ct) => OperatorHost.RunAsync(context, parse, "queue " + name, async host =>
        {
            if (await CheckIdAsync(context, parse.GetValue(id)) is not { } queueId)
            {
                return ControlResult.UsageError;
            }

            return await ApplyAsync(host, new ControlRequest { Id = ControlRequest.NewId(), Action = action, QueueId = queueId, ExpiresAt = default }, ct);
        }));
        return command;
    }

    private static async Task<int> ApplyAsync(OperatorHost host, ControlRequest request, CancellationToken cancellationToken)
    {
        // No queue folder: the relay never ran on this spool (or Relay:Spool:Path points elsewhere);
        // say so rather than create a spool there by taking its lock.
        if (!Directory.Exists(host.Spool.QueueFolder))
        {
            return await host.PrintAsync(ControlResult.Nothing($"{request.Target}: not in the queue (there is no queue at {host.Spool.QueueFolder})"));
        }

        return await host.PrintAsync(await host.ApplyAsync(request, cancellationToken));
    }

    private static async Task<string?> CheckIdAsync(CliContext context, string? id)
    {
        // Queue ids are upper-case Crockford base32; accept what an admin types from a log in lower case.
        var queueId = id?.Trim().ToUpperInvariant();
        if (QueueId.IsValid(queueId))
        {
            return queueId;
        }

        await context.Error.WriteLineAsync($"'{id}' is not a queue id (16 characters, as in 'queue list' and the log's queue_id=)");
        return null;
    }

    private static Argument<string?> QueueIdArgument() => new("queue-id") { Description = "The message's queue id, as 'queue list' and the log show it" };

    private static Option<bool> JsonOption(string description) => new("--json") { Description = description };
}
