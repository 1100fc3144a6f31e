using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;
using MtaStsRelay.Tests.Queue;

namespace MtaStsRelay.Tests.Listener;

public sealed class ListenerOptionsTests : IDisposable
{
    private readonly TempSpool temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void AddRelayListener_NoSettings_UsesDefaults()
    {
        var options = Bind([]);

        var endpoint = Assert.Single(options.Listen);
        Assert.Equal("127.0.0.1", endpoint.Address);
        Assert.Equal(2525, endpoint.Port);
        Assert.False(endpoint.RequireTls);
        Assert.Null(endpoint.CertificatePath);
        Assert.Equal(["127.0.0.0/8", "::1/128"], options.AllowedNetworks);
        Assert.Equal(Environment.MachineName, options.HostName);
        Assert.Empty(options.Auth.Users);
        Assert.Equal(36_700_160, options.Limits.MaxMessageSize);
        Assert.Equal(500, options.Limits.MaxRecipients);
        Assert.Equal(100, options.Limits.MaxSessions);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Limits.CommandTimeout);
        Assert.Equal(TimeSpan.FromMinutes(30), options.Limits.SessionTimeout);
    }

    [Fact]
    public void AddRelayListener_ContractKeys_BindAndReplaceDefaults()
    {
        var options = Bind(new()
        {
            ["Relay:HostName"] = "relay.example.org",
            ["Relay:Listen:0:Address"] = "0.0.0.0",
            ["Relay:Listen:0:Port"] = "25",
            ["Relay:Listen:1:Address"] = "::",
            ["Relay:Listen:1:Port"] = "587",
            ["Relay:AllowedNetworks:0"] = "10.0.0.0/8",
            ["Relay:AllowedNetworks:1"] = "2001:db8::/32",
            ["Relay:Limits:MaxRecipients"] = "100",
            ["Relay:Spool:Path"] = "/var/spool/relay",
            ["Relay:Queue:Lifetime"] = "1.00:00:00",
        });

        Assert.Equal("relay.example.org", options.HostName);
        Assert.Equal([("0.0.0.0", 25), ("::", 587)], options.Listen.Select(e => (e.Address, e.Port)));
        Assert.Equal(["10.0.0.0/8", "2001:db8::/32"], options.AllowedNetworks);
        Assert.Equal(100, options.Limits.MaxRecipients);
    }

    [Theory]
    [InlineData("Relay:AllowedNetworks:1", "10.0.0.0/33", "Relay:AllowedNetworks:1: '10.0.0.0/33' is not a CIDR network")]
    [InlineData("Relay:AllowedNetworks:1", "10.1.2.3", "Relay:AllowedNetworks:1: '10.1.2.3' is not a CIDR network")]
    [InlineData("Relay:Listen:0:Port", "70000", "Relay:Listen:0:Port must be 1-65535")]
    [InlineData("Relay:Listen:0:Port", "-1", "Relay:Listen:0:Port must be 1-65535")]
    [InlineData("Relay:Listen:0:Address", "localhost", "Relay:Listen:0:Address: 'localhost' is not an IP address")]
    [InlineData("Relay:Listen:0:CertificatePath", "/no/such/cert.pfx", "Relay:Listen:0:CertificatePath: file '/no/such/cert.pfx' does not exist")]
    [InlineData("Relay:Listen:0:RequireTls", "true", "Relay:Listen:0:RequireTls needs a certificate in Relay:Listen:0:CertificatePath")]
    [InlineData("Relay:Listen:0:KeyPath", "/etc/key.pem", "Relay:Listen:0:KeyPath is set but Relay:Listen:0:CertificatePath is not")]
    [InlineData("Relay:HostName", "bad host\r\nX-Injected: 1", "Relay:HostName: ")]
    [InlineData("Relay:Limits:MaxMessageSize", "0", "Relay:Limits:MaxMessageSize must be positive")]
    [InlineData("Relay:Limits:MaxRecipients", "0", "Relay:Limits:MaxRecipients must be positive")]
    [InlineData("Relay:Limits:MaxSessions", "-5", "Relay:Limits:MaxSessions must be positive")]
    [InlineData("Relay:Limits:SessionTimeout", "00:00:00", "Relay:Limits:SessionTimeout must be positive")]
    [InlineData("Relay:Limits:CommandTimeout", "-00:01:00", "Relay:Limits:CommandTimeout must be positive")]
    [InlineData("Relay:Limits:CommandTimeout", "300", "Relay:Limits:CommandTimeout must be at most 01:00:00")]
    [InlineData("Relay:Limits:CommandTimeout", "01:00:01", "Relay:Limits:CommandTimeout must be at most 01:00:00")]
    [InlineData("Relay:Limits:SessionTimeout", "300", "Relay:Limits:SessionTimeout must be at most 1.00:00:00")]
    [InlineData("Relay:Limits:SessionTimeout", "1.00:00:01", "Relay:Limits:SessionTimeout must be at most 1.00:00:00")]
    [InlineData("Relay:Limits:MaxMessageSize", "1073741825", "Relay:Limits:MaxMessageSize must be at most 1 GiB")]
    [InlineData("Relay:Limits:MaxRecipients", "100001", "Relay:Limits:MaxRecipients must be at most 100000")]
    [InlineData("Relay:Limits:MaxSessions", "10001", "Relay:Limits:MaxSessions must be at most 10000")]
    public void Validate_BadSetting_MessageNamesTheKey(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["Relay:AllowedNetworks:0"] = "127.0.0.0/8", [key] = value };

        var error = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(error.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("0.0.0.0/7")]
    [InlineData("128.0.0.0/1")]
    [InlineData("::/0")]
    [InlineData("2000::/3")]
    [InlineData("::/15")]
    [InlineData("::/16")]
    [InlineData("::/80")]
    [InlineData("::ffff:0:0/96")]
    [InlineData("::ffff:0:0/100")]
    [InlineData("64:ff9b::/96")]
    public void Validate_AllowedNetworkTooWide_RefusedAsOpenRelay(string cidr)
    {
        var settings = new Dictionary<string, string?> { ["Relay:AllowedNetworks:0"] = "10.1.2.0/24", ["Relay:AllowedNetworks:1"] = cidr };

        var error = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(error.Failures, f => f.StartsWith($"Relay:AllowedNetworks:1: '{cidr}' would make an open relay", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("127.0.0.0/8")]
    [InlineData("192.0.2.7/32")]
    [InlineData("2001:db8::/32")]
    [InlineData("2000::/16")]
    [InlineData("::1/128")]
    [InlineData("::ffff:10.0.0.0/104")]
    public void Validate_AllowedNetworkNarrowEnough_Accepted(string cidr)
    {
        var options = Bind(new() { ["Relay:AllowedNetworks:0"] = cidr });

        Assert.Equal([cidr], options.AllowedNetworks);
    }

    [Theory]
    [InlineData("exchange")]
    [InlineData("Exchange")]
    public void Validate_DuplicateUserName_RefusedNamingTheKey(string second)
    {
        var settings = WithUser(PasswordHasher.Hash("pw", PasswordHasher.MinimumIterations));
        settings["Relay:Auth:Users:1:UserName"] = second;
        settings["Relay:Auth:Users:1:PasswordHash"] = settings["Relay:Auth:Users:0:PasswordHash"];

        var error = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(error.Failures, f => f.StartsWith($"Relay:Auth:Users:1:UserName: '{second}' is already Relay:Auth:Users:0:UserName", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("pbkdf2-sha256$600000$not base64$x")]
    [InlineData("sha256$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    public void Validate_PlainTextOrForeignPassword_RefusedNamingTheKey(string passwordHash)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(WithUser(passwordHash)));

        Assert.Contains(error.Failures, f => f.StartsWith("Relay:Auth:Users:0:PasswordHash is not a 'pbkdf2-sha256", StringComparison.Ordinal)
            && f.Contains("plain-text passwords are not accepted", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TooFewIterations_Refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(WithUser(PasswordHasher.Hash("pw", 1000))));

        Assert.Contains(error.Failures, f => f.StartsWith("Relay:Auth:Users:0:PasswordHash uses 1000 iterations", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UsersWithoutAnyCertificate_Refused()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Relay:Auth:Users:0:UserName"] = "exchange",
            ["Relay:Auth:Users:0:PasswordHash"] = PasswordHasher.Hash("pw", PasswordHasher.MinimumIterations),
        };

        var error = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(error.Failures, f => f.StartsWith("Relay:Auth:Users is set but no Relay:Listen endpoint has a CertificatePath", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UserWithGoodHashAndCertificate_Passes()
    {
        var options = Bind(WithUser(PasswordHasher.Hash("pw", PasswordHasher.MinimumIterations)));

        Assert.Equal("exchange", Assert.Single(options.Auth.Users).UserName);
    }

    [Fact]
    public void Validate_CertificateFileNotACertificate_RefusedNamingTheKey()
    {
        var path = Path.Combine(temp.Root, "garbage.pfx");
        File.WriteAllText(path, "this is not a certificate");

        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Relay:Listen:0:CertificatePath"] = path }));

        Assert.Contains(error.Failures, f => f.StartsWith($"Relay:Listen:0:CertificatePath: cannot load '{path}'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PemCertificateWithoutKey_RefusedNamingTheKey()
    {
        using var certificate = TestCertificate.Create();
        var (certificatePath, _) = TestCertificate.WritePem(certificate, temp.Root);

        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Relay:Listen:0:CertificatePath"] = certificatePath }));

        Assert.Contains(error.Failures, f => f.StartsWith("Relay:Listen:0:CertificatePath: cannot load", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PemCertificateWithKeyFile_Passes()
    {
        using var certificate = TestCertificate.Create();
        var (certificatePath, keyPath) = TestCertificate.WritePem(certificate, temp.Root);

        var options = Bind(new() { ["Relay:Listen:0:CertificatePath"] = certificatePath, ["Relay:Listen:0:KeyPath"] = keyPath });

        using var loaded = ServerCertificateLoader.Load(options.Listen[0]);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, loaded.Thumbprint);
    }

    [Fact]
    public void Validate_PasswordProtectedPfx_LoadsWithPasswordOnly()
    {
        using var certificate = TestCertificate.Create();
        var path = TestCertificate.WritePfx(certificate, temp.Root, "pfx-password");

        var ok = Bind(new() { ["Relay:Listen:0:CertificatePath"] = path, ["Relay:Listen:0:CertificatePassword"] = "pfx-password" });
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Relay:Listen:0:CertificatePath"] = path }));

        Assert.Equal(path, ok.Listen[0].CertificatePath);
        Assert.Contains(error.Failures, f => f.StartsWith("Relay:Listen:0:CertificatePath: cannot load", StringComparison.Ordinal));
    }

    private Dictionary<string, string?> WithUser(string passwordHash)
    {
        using var certificate = TestCertificate.Create();
        return new()
        {
            ["Relay:Listen:0:CertificatePath"] = TestCertificate.WritePfx(certificate, temp.Root),
            ["Relay:Auth:Users:0:UserName"] = "exchange",
            ["Relay:Auth:Users:0:PasswordHash"] = passwordHash,
        };
    }

    private ListenerOptions Bind(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Relay:Spool:Path", temp.SpoolPath);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRelayQueue(configuration);
        services.AddRelayListener(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ListenerOptions>>().Value;
    }
}
