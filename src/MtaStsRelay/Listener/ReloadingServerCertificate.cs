using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using SmtpServer;

namespace MtaStsRelay.Listener;

/// <summary>
/// An endpoint's STARTTLS certificate that follows its files: when the certificate or key file
/// changes (a renewal by certbot, acme.sh or a deployment script), the next STARTTLS loads the new
/// one, so a renewal needs no restart. A file that cannot be loaded (half written, wrong key) keeps
/// the previous certificate in use and is logged once; the next change is tried again.
/// </summary>
internal sealed class ReloadingServerCertificate : ICertificateFactory, IDisposable
{
    private readonly ListenEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private X509Certificate2 _current;
    private FileStamp _loadedStamp;
    private FileStamp? _failedStamp; // null: no failed load since the last good one

    /// <summary>Loads the certificate now; throws (with the loader's reason) if it cannot, as at start-up.</summary>
    public ReloadingServerCertificate(ListenEndpointOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _loadedStamp = FileStamp.Of(options);
        _current = ServerCertificateLoader.Load(options);
    }

    /// <summary>The certificate in use now.</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Called by SmtpServer at each STARTTLS: one file-status look per handshake, a load only after a change.</summary>
    public X509Certificate GetServerCertificate(ISessionContext sessionContext) => Refresh();

    /// <summary>Reloads the certificate if its files changed since the last load; returns the one to use.</summary>
    public X509Certificate2 Refresh()
    {
        var stamp = FileStamp.Of(_options);
        lock (_gate)
        {
            if (stamp == _loadedStamp || stamp == _failedStamp)
            {
                return _current;
            }

            try
            {
                var fresh = ServerCertificateLoader.Load(_options);
                // The replaced certificate is not disposed: a handshake on another session may still
                // be using it. It is released with the last reference.
                _current = fresh;
                _loadedStamp = stamp;
                _failedStamp = null;
                _logger.CertificateReloaded(_options.CertificatePath!, fresh.Subject, fresh.NotAfter.ToUniversalTime());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException
                or InvalidOperationException or ArgumentException)
            {
                _failedStamp = stamp;
                _logger.CertificateReloadFailed(_options.CertificatePath!, e.Message, _current.Subject, _current.NotAfter.ToUniversalTime());
            }

            return _current;
        }
    }

    public void Dispose() => _current.Dispose();

    /// <summary>
    /// What says "the files changed": the file each path leads to (links followed, so a moved link
    /// counts even onto a file as old as the last), its write time and its length, for certificate and key.
    /// </summary>
    private readonly record struct FileStamp(FileLook Certificate, FileLook Key)
    {
        public static FileStamp Of(ListenEndpointOptions options) => new(Look(options.CertificatePath), Look(options.KeyPath));

        private static FileLook Look(string? path)
        {
            if (string.IsNullOrEmpty(path))
            {
                return default;
            }

            try
            {
                var file = new FileInfo(path);
                var target = file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
                return target.Exists ? new FileLook(target.FullName, target.LastWriteTimeUtc, target.Length) : default;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return default; // unreadable for now: the load will say why
            }
        }
    }

    private readonly record struct FileLook(string? Target, DateTime Written, long Length);
}
