using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MtaStsRelay.Configuration;

/// <summary>
/// One way to read configuration for every command, so <c>run</c>, <c>check</c> and the operator
/// commands see the same settings: embedded defaults (the options classes), then
/// <c>appsettings.json</c> beside the executable, then an optional <c>--config</c> file, then
/// environment variables (<c>Relay__Spool__Path</c>), then <c>--Relay:Key=value</c> arguments.
/// </summary>
internal static class RelayHostBuilder
{
    public static HostApplicationBuilder Create(string[] configArgs, string? configFile, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = configArgs,
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });

        if (configFile is not null)
        {
            var path = Path.GetFullPath(configFile);
            if (!File.Exists(path))
            {
                throw new ConfigurationFileException($"--config: file '{path}' does not exist");
            }

            // Re-add env vars and arguments after the file so they still win over it.
            builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
            builder.Configuration.AddEnvironmentVariables();
            builder.Configuration.AddCommandLine(configArgs);
        }

        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        ConfigureLogging(builder);
        return builder;
    }

    private static void ConfigureLogging(HostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        var format = builder.Configuration["Relay:Log:Format"] is { Length: > 0 } configured ? configured : "text";
        if (!string.Equals(format, "text", StringComparison.OrdinalIgnoreCase) && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationFileException($"Relay:Log:Format must be 'text' or 'json' (got '{format}')");
        }

        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }

        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.None);
    }
}

/// <summary>A configuration file named on the command line is missing or unreadable.</summary>
internal sealed class ConfigurationFileException(string message) : Exception(message);
