using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MtaStsRelay.Tests.Samples;

/// <summary>Where the samples put things on a Linux host; the files must agree with each other.</summary>
internal static class DeploymentPaths
{
    public const string Spool = "/var/spool/mtasts-relay";
    public const string PolicyCache = "/var/lib/mtasts-relay/policy-cache";
    public const string StateFolder = "/var/lib/mtasts-relay";
    public const string ConfigFolder = "/etc/mtasts-relay";
}

/// <summary>
/// The systemd unit and the compose file agree with the settings sample and with the relay: the
/// folders it writes are writable, and the stop timeout outlasts the relay's shutdown grace period
/// (the host's ShutdownTimeout), so a stop never SIGKILLs deliveries the relay is finishing.
/// </summary>
public sealed class DeploymentFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("samples-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SystemdUnit_StopTimeout_OutlastsTheShutdownGracePeriod()
    {
        var stop = Seconds(UnitSetting("TimeoutStopSec"));

        Assert.True(stop > GracePeriod().TotalSeconds, $"TimeoutStopSec={stop}s must exceed the relay's {GracePeriod()} shutdown timeout");
    }

    [Fact]
    public void Compose_StopGracePeriod_OutlastsTheShutdownGracePeriod()
    {
        var line = Assert.Single(SampleFiles.ContentLines("compose.yaml", "#"), l => l.StartsWith("stop_grace_period:", StringComparison.Ordinal));

        Assert.True(Seconds(line.Split(':', 2)[1].Trim()) > GracePeriod().TotalSeconds);
    }

    [Fact]
    public void SystemdUnit_ReadWritePaths_CoverSpoolAndPolicyCache()
    {
        var writable = UnitSetting("ReadWritePaths").Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains(DeploymentPaths.Spool, writable);
        Assert.Contains(writable, p => DeploymentPaths.PolicyCache.StartsWith(p + "/", StringComparison.Ordinal));
        Assert.Equal("strict", UnitSetting("ProtectSystem"));
        Assert.Equal("CAP_NET_BIND_SERVICE", UnitSetting("AmbientCapabilities"));
        Assert.Contains($"--config {DeploymentPaths.ConfigFolder}/appsettings.json", UnitSetting("ExecStart"), StringComparison.Ordinal);
    }

    [Fact]
    public void SystemdUnit_RestartPrevented_ForConfigurationErrorsButNotForBindFailures()
    {
        var prevented = UnitSetting("RestartPreventExitStatus").Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("on-failure", UnitSetting("Restart"));
        Assert.Contains(MtaStsRelay.Cli.RunCommand.ConfigurationError.ToString(System.Globalization.CultureInfo.InvariantCulture), prevented);
        Assert.DoesNotContain(MtaStsRelay.Cli.RunCommand.CannotListen.ToString(System.Globalization.CultureInfo.InvariantCulture), prevented);
    }

    [Fact]
    public void Compose_Volumes_CoverSpoolAndPolicyCache()
    {
        var targets = SampleFiles.ContentLines("compose.yaml", "#")
            .Where(l => l.StartsWith("- ", StringComparison.Ordinal) && l.Contains(":/", StringComparison.Ordinal))
            .Select(l => l[2..].Split(':')[1])
            .ToList();

        Assert.Contains(DeploymentPaths.Spool, targets);
        Assert.Contains(DeploymentPaths.StateFolder, targets);
        Assert.Contains($"{DeploymentPaths.ConfigFolder}/appsettings.json", targets);
    }

    /// <summary>The relay's shutdown grace period: the host's ShutdownTimeout as the sample configuration builds it.</summary>
    private TimeSpan GracePeriod()
    {
        using var host = ExchangeSettingsTests.BuildHost(_folder, replaceCertificate: true);
        return host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
    }

    private static string UnitSetting(string name) =>
        Assert.Single(SampleFiles.ContentLines("mtasts-relay.service", "#"), l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    /// <summary>"45s", "45", "1min" (systemd and compose durations, the forms the samples use).</summary>
    private static double Seconds(string duration)
    {
        var match = Regex.Match(duration, "^([0-9]+)(s|sec|min|m)?$");
        Assert.True(match.Success, $"unexpected duration '{duration}'");
        var value = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups[2].Value is "min" or "m" ? value * 60 : value;
    }
}
