using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaSts.Resolution;
using MtaStsRelay.Configuration;
using MtaStsRelay.Control;
using MtaStsRelay.Delivery;
using MtaStsRelay.Queue;

namespace MtaStsRelay.Cli;

/// <summary>
/// What the <c>queue</c> and <c>policy</c> commands run on: the relay's own registrations, built
/// from the same configuration (<see cref="RelayHostBuilder"/>) but never started, so no listener,
/// delivery or proactive refresh runs. Settings are validated when first used; a bad one ends the
/// command with exit 2 and the message naming the key.
/// </summary>
internal sealed class OperatorHost : IDisposable
{
    private readonly IHost _host;

    private OperatorHost(IHost host, CliContext context)
    {
        _host = host;
        Context = context;
    }

    public CliContext Context { get; }

    public TimeProvider Time => Context.Time;

    public Spool Spool => Get<Spool>();

    public ControlOptions Control => Get<IOptions<ControlOptions>>().Value;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>
    /// Runs <paramref name="action"/> on a host built from the configuration; exit 2 for usage
    /// (unknown arguments) and configuration errors, with the message on the error output.
    /// </summary>
    public static async Task<int> RunAsync(CliContext context, ParseResult parse, string name, Func<OperatorHost, Task<int>> action)
    {
        // The root accepts --Relay:Key=value settings for `run`; a tool command takes none.
        if (parse.UnmatchedTokens.Count > 0)
        {
            await context.Error.WriteLineAsync($"{name}: unknown argument '{parse.UnmatchedTokens[0]}'; run 'mtasts-relay {name} --help'");
            return ControlResult.UsageError;
        }

        try
        {
            using var host = Build(context, parse.GetValue(context.ConfigOption));
            return await action(host);
        }
        catch (Exception e) when (e is OptionsValidationException or ConfigurationFileException or InvalidDataException or FormatException or InvalidOperationException)
        {
            await context.Error.WriteLineAsync($"{name}: configuration error: {e.Message}");
            return ControlResult.UsageError;
        }
    }

    /// <summary>
    /// Applies <paramref name="request"/>: with the relay stopped, directly and under the spool lock;
    /// with the relay running (the lock is held), by handing it to the relay through <c>control/</c>.
    /// </summary>
    public async Task<ControlResult> ApplyAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        if (!ServiceLock.IsSupported)
        {
            return new ControlResult(ControlResult.UsageError,
                ["file locking is off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING), so a running relay cannot be detected; unset it to change the queue or the policy cache"]);
        }

        var spool = Spool;
        var timeout = Control.AnswerTimeout;
        using (var held = ServiceLock.TryAcquire(spool.SpoolPath))
        {
            if (held is not null)
            {
                return await ApplyDirectlyAsync(request, timeout, cancellationToken);
            }
        }

        var answer = await ControlClient.SendAsync(new ControlFolder(spool.SpoolPath), request, timeout, Time, cancellationToken);
        if (!answer.Withdrawn || cancellationToken.IsCancellationRequested)
        {
            return answer;
        }

        // Nobody saw the request: if the lock is free now (the relay has stopped, or the command
        // that held it finished), nothing else can act on the spool and the change is made here.
        using var later = ServiceLock.TryAcquire(spool.SpoolPath);
        return later is null ? answer : await ApplyDirectlyAsync(request, timeout, cancellationToken);
    }

    private async Task<ControlResult> ApplyDirectlyAsync(ControlRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var spool = Spool;
        var logger = Get<ILoggerFactory>().CreateLogger("MtaStsRelay.Control.Direct");
        var actions = new OperatorActions(
            () => new QueueActions(new SpoolCustodian(spool, Time), spool, Get<BounceSender>(), Time, logger),
            () => new PolicyActions(Get<PolicyResolver>(), logger));
        return await actions.ApplyAsync(request with { ExpiresAt = Time.GetUtcNow() + timeout }, cancellationToken);
    }

    /// <summary>Prints a result: lines on the output when it succeeded, on the error output otherwise.</summary>
    public async Task<int> PrintAsync(ControlResult result)
    {
        var writer = result.ExitCode == ControlResult.Done ? Context.Output : Context.Error;
        foreach (var line in result.Lines)
        {
            await writer.WriteLineAsync(line);
        }

        return result.ExitCode;
    }

    public void Dispose() => _host.Dispose();

    private static OperatorHost Build(CliContext context, string? configFile)
    {
        var builder = RelayHostBuilder.Create([], configFile, context.ConfigOverrides);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new CliLoggerProvider(context.Error));
        builder.Services.AddRelayCore(builder.Configuration, proactiveRefresh: false);
        builder.Services.AddRelayQueue(builder.Configuration);
        builder.Services.AddRelayDelivery(builder.Configuration);
        builder.Services.AddControlOptions(builder.Configuration);
        builder.Services.AddSingleton(context.Time);
        return new OperatorHost(builder.Build(), context);
    }
}
