using System.Globalization;

namespace LoadGenerator;

/// <summary>The command line of the load generator; every value is bounded so a run is bounded too.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        Usage: LoadGenerator [options]
          --messages N        messages to send (default 2000, 1-200000)
          --connections M     concurrent SMTP connections to the relay (default 8, 1-100)
          --size BYTES        size of each message as sent (default 4096, 512-10485760)
          --mx-hosts K        sink MX hosts of the recipient domain, equal preference (default 1, 1-8)
          --relay-dll PATH    a published mtasts-relay.dll; without it the relay is published to a temp folder
          --warmup SECONDS    send (unmeasured) this long first, so the relay's JIT has settled (default 30, 0-600)
          --timeout SECONDS   bound on the whole run after the relay is up (default 900, 10-3600)
          --relay-env KEY=VALUE  an environment variable for the relay process only, e.g. DOTNET_gcServer=1
          --relay-log PATH    keep a copy of the relay's log (stdout and stderr) at PATH
          --set KEY=VALUE     an extra relay setting, e.g. --set Relay:Delivery:MaxConcurrentDeliveries=20
        """;

    public const int MaxMessages = 200_000;

    public int Messages { get; init; } = 2000;

    public int Connections { get; init; } = 8;

    public int Size { get; init; } = 4096;

    public int MxHosts { get; init; } = 1;

    public string? RelayDll { get; init; }

    public string? RelayLog { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);

    public IReadOnlyList<string> RelaySettings { get; init; } = [];

    public IReadOnlyList<string> RelayEnvironment { get; init; } = [];

    /// <summary>Parses <paramref name="args"/>; on failure returns null and says why in <paramref name="error"/>.</summary>
    public static LoadOptions? Parse(string[] args, out string? error)
    {
        var options = new LoadOptions();
        var settings = new List<string>();
        var environment = new List<string>();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value";
                return null;
            }

            var value = args[++i];
            options = name switch
            {
                "--messages" => options with { Messages = Number(name, value, 1, MaxMessages, ref error) },
                "--connections" => options with { Connections = Number(name, value, 1, 100, ref error) },
                "--size" => options with { Size = Number(name, value, 512, 10 * 1024 * 1024, ref error) },
                "--mx-hosts" => options with { MxHosts = Number(name, value, 1, 8, ref error) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Number(name, value, 0, 600, ref error)) },
                "--timeout" => options with { Timeout = TimeSpan.FromSeconds(Number(name, value, 10, 3600, ref error)) },
                "--relay-dll" => options with { RelayDll = Path.GetFullPath(value) },
                "--relay-log" => options with { RelayLog = Path.GetFullPath(value) },
                "--set" => Setting(options, settings, value, ref error),
                "--relay-env" => Setting(options, environment, value, ref error),
                _ => Unknown(options, name, ref error),
            };
            if (error is not null)
            {
                return null;
            }
        }

        return options with { RelaySettings = settings, RelayEnvironment = environment };
    }

    private static int Number(string name, string value, int min, int max, ref string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        error ??= $"{name} must be a whole number from {min} to {max} (got '{value}')";
        return min;
    }

    private static LoadOptions Setting(LoadOptions options, List<string> settings, string value, ref string? error)
    {
        if (!value.Contains('=', StringComparison.Ordinal) || value.StartsWith('='))
        {
            error = $"--set and --relay-env take KEY=VALUE (got '{value}')";
        }

        settings.Add(value);
        return options;
    }

    private static LoadOptions Unknown(LoadOptions options, string name, ref string? error)
    {
        error = $"unknown option '{name}'";
        return options;
    }
}
