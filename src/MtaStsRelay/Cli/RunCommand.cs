using Microsoft.Extensions.DependencyInjection;
using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MtaStsRelay.Configuration;
using MtaStsRelay.Listener;

namespace MtaStsRelay.Cli;

/// <summary><c>mtasts-relay [run]</c>: starts the relay service until SIGTERM/Ctrl-C.</summary>
internal static class RunCommand
{
    /// <summary>Exit code for a configuration error (the message names the key); restarting cannot help.</summary>
    public const int ConfigurationError = 3;

    /// <summary>
    /// Exit code when an address could not be bound (port in use, address not up yet): often gone
    /// seconds later at boot, so the systemd unit restarts on it, unlike <see cref="ConfigurationError"/>.
    /// </summary>
    public const int CannotListen = 4;

    public static Command Create(CliContext context)
    {
        var command = new Command("run", "Run the relay service (the default when no command is given)")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, ct) => RunAsync(context, parse, ct));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        var settings = parse.UnmatchedTokens.ToArray();
        IHost? host = null;
        try
        {
            var builder = RelayHostBuilder.Create(settings, parse.GetValue(context.ConfigOption), context.ConfigOverrides);
            builder.Services.AddRelay(builder.Configuration);
            host = builder.Build();
            // Validate every setting before starting: a wrong value stops here with one line naming
            // the key, not after the host has logged a stack trace.
            host.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is OptionsValidationException or ConfigurationFileException or InvalidDataException or FormatException or InvalidOperationException)
        {
            await StopPartlyStartedAsync(host);
            await context.Error.WriteLineAsync($"mtasts-relay: configuration error: {e.Message}");
            return ConfigurationError;
        }
        catch (Exception e) when (IsBindFailure(e))
        {
            await StopPartlyStartedAsync(host);
            await context.Error.WriteLineAsync($"mtasts-relay: cannot start: {e.Message}");
            return CannotListen;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            // A spool folder that cannot be created: the admin's to fix, not a crash.
            await StopPartlyStartedAsync(host);
            await context.Error.WriteLineAsync($"mtasts-relay: cannot start: {e.Message}");
            return ConfigurationError;
        }

        using (host!)
        {
            await host.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }

    /// <summary>
    /// A start that failed half-way (the metrics port taken after the spool and the delivery worker
    /// started) leaves services running: stop them and release the spool lock before returning, so
    /// the process (or a test, or a caller retrying) does not carry on with a half-started relay.
    /// </summary>
    private static async Task StopPartlyStartedAsync(IHost? host)
    {
        if (host is null)
        {
            return;
        }

        try
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(stopping.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException or AggregateException)
        {
            // Best effort: the start already failed and that error is what gets reported.
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>
    /// The SMTP listener throws <see cref="ListenException"/>; Kestrel (Relay:Metrics) an
    /// IOException with the socket's error inside. A spool folder's IOException has no socket in it.
    /// </summary>
    private static bool IsBindFailure(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is ListenException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
