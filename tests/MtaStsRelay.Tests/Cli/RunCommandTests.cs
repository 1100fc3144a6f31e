using MtaStsRelay.Cli;

namespace MtaStsRelay.Tests.Cli;

/// <summary>A wrong setting stops the relay at start-up with a message that names the key.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("run-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("Relay:Delivery:Port", "0")]
    [InlineData("Relay:Delivery:MaxConcurrentDeliveries", "0")]
    [InlineData("Relay:Dns:Servers:0", "dns.example.com")]
    [InlineData("Relay:Tls:TrustedRoots", "/nonexistent/roots.pem")]
    [InlineData("Relay:MtaSts:FetchRetryBackoff", "00:01:00")]
    [InlineData("Relay:MtaSts:PolicyPort", "70000")]
    [InlineData("Relay:AllowedNetworks:0", "10.0.0.0/33")]
    [InlineData("Relay:Listen:0:Port", "-1")]
    [InlineData("Relay:Queue:Lifetime", "-01:00:00")]
    [InlineData("Relay:Log:Format", "xml")]
    [InlineData("Relay:Domains:partner.test:MtaSts", "Of")]
    [InlineData("Relay:Metrics:Port", "70000")]
    [InlineData("Relay:Metrics:Address", "localhost")]
    [InlineData("Relay:Metrics:MaxQueueAge", "00:00:00")]
    public async Task Run_InvalidSetting_ExitsWithMessageNamingTheKey(string key, string value)
    {
        var (code, error) = await RunAsync(new() { [key] = value });

        Assert.Equal(RunCommand.ConfigurationError, code);
        Assert.Contains(key, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ListenPortInUse_ExitsWithCannotStart()
    {
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;

        var (code, error) = await RunAsync(new() { ["Relay:Listen:0:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(RunCommand.CannotListen, code);
        Assert.Contains("cannot start", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MetricsPortInUse_ExitsWithCannotListen()
    {
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;

        var (code, error) = await RunAsync(new()
        {
            ["Relay:Metrics:Enabled"] = "true",
            ["Relay:Metrics:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(RunCommand.CannotListen, code);
        Assert.Contains("Relay:Metrics", error, StringComparison.Ordinal);
        // The spool and the worker had started: the failed start stopped them and let go of the lock.
        using var spoolLock = MtaStsRelay.Control.ServiceLock.TryAcquire(Path.Combine(_folder, "spool"));
        Assert.NotNull(spoolLock);
    }

    /// <summary>Runs the relay (no arguments) on an OS-chosen port and this test's folders, with <paramref name="settings"/> on top.</summary>
    private async Task<(int Code, string Error)> RunAsync(Dictionary<string, string?> settings)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Relay:Listen:0:Port"] = "0",
            ["Relay:Spool:Path"] = Path.Combine(_folder, "spool"),
            ["Relay:MtaSts:CachePath"] = Path.Combine(_folder, "cache"),
        };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        var error = new StringWriter();
        var context = new CliContext { Output = new StringWriter(), Error = error, ConfigOverrides = overrides };
        var code = await RelayCommandLine.InvokeAsync([], context);
        return (code, error.ToString());
    }
}
