using System.CommandLine;
using MtaSts;
using MtaSts.Cache;
using MtaStsRelay.Control;

namespace MtaStsRelay.Cli.Policy;

/// <summary>
/// <c>mtasts-relay policy list|show|refresh|forget</c>: the relay's MTA-STS policy cache. list and
/// show read the cache files (replaced atomically, so safe at any time); refresh and forget go
/// through the running relay so its memory copy changes too, or act on the files directly under the
/// spool lock when it is stopped. Exit codes as for <c>queue</c>.
/// </summary>
internal static class PolicyCommand
{
    public static Command Create(CliContext context)
    {
        var policy = new Command("policy", "Look at and change the relay's MTA-STS policy cache (safe while the relay runs)");
        policy.Subcommands.Add(List(context));
        policy.Subcommands.Add(Show(context));
        policy.Subcommands.Add(Change(context, "refresh", "Look up the TXT record and fetch the domain's policy now, and store it", ControlAction.PolicyRefresh));
        policy.Subcommands.Add(Change(context, "forget", "Remove the domain's policy from the cache; the next delivery fetches it again", ControlAction.PolicyForget));
        return policy;
    }

    private static Command List(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print the cache as JSON (schema in docs/operations.md)" };
        var command = new Command("list", "List the cached policies") { json };
        command.SetAction((parse, ct) => OperatorHost.RunAsync(context, parse, "policy list", async host =>
        {
            var store = host.Get<IPolicyStore>();
            var entries = (await store.ListAsync(ct)).OrderBy(e => e.Domain, StringComparer.Ordinal).ToList();
            var view = new PolicyView(store, host.Time.GetUtcNow());
            await context.Output.WriteLineAsync(parse.GetValue(json) ? view.ListJson(entries) : view.ListText(entries));
            return ControlResult.Done;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var domain = DomainArgument();
        var json = new Option<bool>("--json") { Description = "Print the policy as JSON (schema in docs/operations.md)" };
        var command = new Command("show", "Show a domain's cached policy: id, mode, mx, age, expiry and its file") { domain, json };
        command.SetAction((parse, ct) => OperatorHost.RunAsync(context, parse, "policy show", async host =>
        {
            if (await CheckDomainAsync(context, parse.GetValue(domain)) is not { } name)
            {
                return ControlResult.UsageError;
            }

            var store = host.Get<IPolicyStore>();
            if (await store.GetAsync(name, ct) is not { } entry)
            {
                await context.Error.WriteLineAsync($"{name}: no policy cached");
                return ControlResult.NothingDone;
            }

            var view = new PolicyView(store, host.Time.GetUtcNow());
            await context.Output.WriteLineAsync(parse.GetValue(json) ? view.ShowJson(entry) : view.ShowText(entry));
            return ControlResult.Done;
        }));
        return command;
    }

    private static Command Change(CliContext context, string name, string description, ControlAction action)
    {
        var domain = DomainArgument();
        var command = new Command(name, description) { domain };
        command.SetAction((parse, ct) => OperatorHost.RunAsync(context, parse, "policy " + name, async host =>
        {
            if (await CheckDomainAsync(context, parse.GetValue(domain)) is not { } normalized)
            {
                return ControlResult.UsageError;
            }

            var request = new ControlRequest { Id = ControlRequest.NewId(), Action = action, Domain = normalized, ExpiresAt = default };
            return await host.PrintAsync(await host.ApplyAsync(request, ct));
        }));
        return command;
    }

    private static async Task<string?> CheckDomainAsync(CliContext context, string? domain)
    {
        if (DomainName.TryNormalize(domain, out var normalized, out var error))
        {
            return normalized;
        }

        await context.Error.WriteLineAsync($"'{domain}': {error}");
        return null;
    }

    private static Argument<string?> DomainArgument() => new("domain") { Description = "The recipient domain, e.g. example.com" };
}
