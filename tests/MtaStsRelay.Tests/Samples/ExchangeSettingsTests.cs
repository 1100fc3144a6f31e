using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MtaStsRelay.Configuration;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;
using MtaStsRelay.Tests.Listener;

namespace MtaStsRelay.Tests.Samples;

/// <summary>
/// samples/appsettings.Exchange.json goes through the relay's own start-up path: the configuration
/// reader of <c>run --config</c>, <c>AddRelay</c> and every ValidateOnStart validator. Only the paths
/// that point into /etc and /var are replaced (with a real certificate and temp folders).
/// </summary>
public sealed class ExchangeSettingsTests : IDisposable
{
    private const string FileName = "appsettings.Exchange.json";
    private readonly string _folder = Directory.CreateTempSubdirectory("samples-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ExchangeSettings_StrictJson_Parses()
    {
        // Strict: no comments, no trailing commas, so any JSON tool (jq, an editor) reads it too.
        using var document = JsonDocument.Parse(SampleFiles.Read(FileName));

        Assert.Equal(JsonValueKind.Object, document.RootElement.GetProperty("Relay").ValueKind);
    }

    [Fact]
    public void ExchangeSettings_EveryKey_IsARelaySetting()
    {
        var keys = new ConfigurationBuilder().AddJsonFile(SampleFiles.PathOf(FileName)).Build()
            .AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key).ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.True(SettingKeys.IsKnown(key), $"{key} is not bound by any options class"));
    }

    [Theory]
    [InlineData("Relay:Listen:0:CertificatePath", true)]
    [InlineData("Relay:AllowedNetworks:3", true)]
    [InlineData("Relay:Delivery:ConnectTimeout", true)]
    [InlineData("Relay:Delivery:MaxMxHosts", true)]
    [InlineData("Relay:Domains:partner.example:MtaSts", true)]
    [InlineData("Relay:Listen:0:Certificate", false)]
    [InlineData("Relay:Listen:Port", false)]
    [InlineData("Relay:Spool:Folder", false)]
    [InlineData("Relay:MtaSts:Mode", false)]
    [InlineData("Relay:Limits", false)]
    public void IsKnown_Keys_MatchTheOptionsClasses(string key, bool known) =>
        Assert.Equal(known, SettingKeys.IsKnown(key));

    [Fact]
    public void ExchangeSettings_WithPathsReplaced_PassesStartupValidation()
    {
        using var host = BuildHost(replaceCertificate: true);

        host.Services.GetRequiredService<IStartupValidator>().Validate();

        var listener = host.Services.GetRequiredService<IOptions<ListenerOptions>>().Value;
        var endpoint = Assert.Single(listener.Listen);
        Assert.Equal(("0.0.0.0", 25, true), (endpoint.Address, endpoint.Port, endpoint.RequireTls));
        Assert.DoesNotContain(listener.AllowedNetworks, n => n.StartsWith("0.0.0.0/", StringComparison.Ordinal) || n == "::/0");
        Assert.DoesNotContain("127.0.0.0/8", listener.AllowedNetworks); // the sample replaces the loopback default
        Assert.Equal("json", host.Services.GetRequiredService<IConfiguration>()["Relay:Log:Format"]);
    }

    [Fact]
    public void ExchangeSettings_CertificateMissing_ValidationNamesTheKey()
    {
        using var host = BuildHost(replaceCertificate: false);

        var error = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Relay:Listen:0:CertificatePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExchangeSettings_Paths_AreTheDeploymentFilesPaths()
    {
        var settings = new ConfigurationBuilder().AddJsonFile(SampleFiles.PathOf(FileName)).Build();

        Assert.Equal(DeploymentPaths.Spool, settings["Relay:Spool:Path"]);
        Assert.Equal(DeploymentPaths.PolicyCache, settings["Relay:MtaSts:CachePath"]);
        Assert.StartsWith(DeploymentPaths.ConfigFolder + "/", settings["Relay:Listen:0:CertificatePath"], StringComparison.Ordinal);
    }

    /// <summary>The host exactly as <c>mtasts-relay run --config samples/appsettings.Exchange.json</c> builds it, not started.</summary>
    internal static IHost BuildHost(string folder, bool replaceCertificate)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Relay:Spool:Path"] = Path.Combine(folder, "spool"),
            ["Relay:MtaSts:CachePath"] = Path.Combine(folder, "policy-cache"),
        };
        if (replaceCertificate)
        {
            using var certificate = TestCertificate.Create("mtasts-relay.corp.example.com");
            var (certificatePath, keyPath) = TestCertificate.WritePem(certificate, folder);
            overrides["Relay:Listen:0:CertificatePath"] = certificatePath;
            overrides["Relay:Listen:0:KeyPath"] = keyPath;
        }

        var builder = RelayHostBuilder.Create([], SampleFiles.PathOf(FileName), overrides);
        builder.Services.AddRelay(builder.Configuration);
        return builder.Build();
    }

    private IHost BuildHost(bool replaceCertificate) => BuildHost(_folder, replaceCertificate);
}
