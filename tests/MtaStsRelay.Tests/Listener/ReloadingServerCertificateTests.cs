using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MtaStsRelay.Listener;
using MtaStsRelay.Tests.Queue;

namespace MtaStsRelay.Tests.Listener;

/// <summary>A renewed listener certificate is picked up at the next STARTTLS, without a restart; a broken renewal changes nothing.</summary>
public sealed class ReloadingServerCertificateTests : IDisposable
{
    private readonly TempSpool _temp = new();
    private readonly CapturingLogger<RelayListener> _log = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Refresh_FilesUnchanged_KeepsTheLoadedCertificate()
    {
        using var original = TestCertificate.Create("relay.example");
        using var reloading = new ReloadingServerCertificate(PfxAt(original, out _), _log);
        var first = reloading.Current;

        Assert.Same(first, reloading.Refresh());
        Assert.Same(first, reloading.Refresh());
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public void Refresh_PfxReplaced_LoadsTheNewOneAndLogs()
    {
        using var original = TestCertificate.Create("relay.example");
        using var renewed = TestCertificate.Create("relay.example");
        var options = PfxAt(original, out var path);
        using var reloading = new ReloadingServerCertificate(options, _log);

        Replace(path, renewed.Export(X509ContentType.Pkcs12));

        Assert.Equal(renewed.Thumbprint, reloading.Refresh().Thumbprint);
        var line = Assert.Single(_log.Entries);
        Assert.Equal((1116, LogLevel.Information), (line.Id.Id, line.Level));
        Assert.Contains(path, line.Message, StringComparison.Ordinal);
        Assert.Contains("CN=relay.example", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refresh_BrokenReplacement_KeepsTheOldCertificateWarnsOnceThenTakesTheNextGoodOne()
    {
        using var original = TestCertificate.Create("relay.example");
        using var renewed = TestCertificate.Create("relay.example");
        var options = PfxAt(original, out var path);
        using var reloading = new ReloadingServerCertificate(options, _log);

        Replace(path, [1, 2, 3]); // a half-written file
        var duringBreakage = new[] { reloading.Refresh(), reloading.Refresh() };
        Replace(path!, renewed.Export(X509ContentType.Pkcs12));
        var afterRepair = reloading.Refresh();

        Assert.All(duringBreakage, c => Assert.Equal(original.Thumbprint, c.Thumbprint));
        Assert.Equal(renewed.Thumbprint, afterRepair.Thumbprint);
        Assert.Equal([1117, 1116], _log.Entries.Select(e => e.Id.Id));
        Assert.Contains("still using CN=relay.example", _log.Entries[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refresh_FilesRemoved_KeepsTheOldCertificateAndWarnsOnce()
    {
        using var original = TestCertificate.Create("relay.example");
        var options = PfxAt(original, out var path);
        using var reloading = new ReloadingServerCertificate(options, _log);

        File.Delete(path); // a botched renewal
        var kept = new[] { reloading.Refresh(), reloading.Refresh() };

        Assert.All(kept, c => Assert.Equal(original.Thumbprint, c.Thumbprint));
        Assert.Equal(1117, Assert.Single(_log.Entries).Id.Id);
    }

    [Fact]
    public void Refresh_PemLinksMovedToNewFiles_LoadsTheNewPair()
    {
        // certbot's layout: live/*.pem are links into archive/, moved to the new files at each renewal.
        using var original = TestCertificate.Create("relay.example");
        using var renewed = TestCertificate.Create("relay.example");
        var (oldCertificate, oldKey) = TestCertificate.WritePem(original, _temp.Root);
        var (newCertificate, newKey) = TestCertificate.WritePem(renewed, _temp.Root);
        var certificateLink = Path.Combine(_temp.Root, "fullchain.pem");
        var keyLink = Path.Combine(_temp.Root, "privkey.pem");
        File.CreateSymbolicLink(certificateLink, oldCertificate);
        File.CreateSymbolicLink(keyLink, oldKey);
        using var reloading = new ReloadingServerCertificate(new ListenEndpointOptions { CertificatePath = certificateLink, KeyPath = keyLink }, _log);
        var before = reloading.Current.Thumbprint;

        Relink(certificateLink, newCertificate);
        Relink(keyLink, newKey);

        Assert.Equal(original.Thumbprint, before);
        Assert.Equal(renewed.Thumbprint, reloading.Refresh().Thumbprint);
    }

    [Fact]
    public async Task StartTls_AfterTheFileIsReplaced_PresentsTheNewCertificate()
    {
        using var renewed = TestCertificate.Create();
        string? path = null;
        await using var relay = await ListenerHarness.StartAsync(tls: true, o => path = o.Listen[0].CertificatePath);

        var before = await PresentedThumbprintAsync(relay.Port);
        Replace(path!, renewed.Export(X509ContentType.Pkcs12));
        var after = await PresentedThumbprintAsync(relay.Port);

        Assert.Equal(relay.Certificate!.Thumbprint, before);
        Assert.Equal(renewed.Thumbprint, after);
        Assert.Contains(relay.Log.Entries, e => e.Id.Id == 1116);
    }

    private ListenEndpointOptions PfxAt(X509Certificate2 certificate, out string path)
    {
        path = TestCertificate.WritePfx(certificate, _temp.Root);
        return new ListenEndpointOptions { CertificatePath = path };
    }

    /// <summary>Writes new content and moves the write time on, so the change shows whatever the file system's time resolution.</summary>
    private static void Replace(string path, byte[] content)
    {
        var before = File.GetLastWriteTimeUtc(path);
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, before.AddMinutes(1));
    }

    private static void Relink(string link, string target)
    {
        File.Delete(link);
        File.CreateSymbolicLink(link, target);
    }

    private static async Task<string?> PresentedThumbprintAsync(int port)
    {
        string? presented = null;
        using var client = new SmtpClient
        {
            CheckCertificateRevocation = false,
            ServerCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate?.GetCertHashString();
                return true; // only looking at what the server shows
            },
        };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.StartTls, TestTimeout.Token);
        await client.DisconnectAsync(quit: true, TestTimeout.Token);
        return presented;
    }
}
