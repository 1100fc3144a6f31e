using System.CommandLine;
using MtaStsRelay.Cli.Check;
using MtaStsRelay.Cli.Policy;
using MtaStsRelay.Cli.Queue;

namespace MtaStsRelay.Cli;

/// <summary>
/// The <c>mtasts-relay</c> command line. No command (or <c>run</c>) starts the relay service; other
/// commands are tools that read the same configuration. Usage errors exit with 2.
/// </summary>
internal static class RelayCommandLine
{
    public const int UsageError = 2;

    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("MtaStsRelay: an SMTP relay that enforces MTA-STS (RFC 8461) for the mail it forwards.");
        root.Options.Add(context.ConfigOption);
        var run = RunCommand.Create(context);
        root.Subcommands.Add(run);
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(QueueCommand.Create(context));
        root.Subcommands.Add(PolicyCommand.Create(context));
        root.Subcommands.Add(HashPasswordCommand.Create(context));
        // No command starts the service, like `run`; `--Relay:Key=value` arguments are settings.
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parse, ct) => RunCommand.RunAsync(context, parse, ct));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync(error.Message);
            }

            await context.Error.WriteLineAsync("Run 'mtasts-relay --help' for usage.");
            return UsageError;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Output, Error = context.Error }, cancellationToken);
    }
}
