namespace MtaStsRelay.Control;

/// <summary>
/// "The relay is running on this spool": <c>relay.lock</c> in the spool folder, held open with
/// <see cref="FileShare.None"/> for the life of the process. On Unix .NET takes it as
/// <c>flock(LOCK_EX)</c>, on Windows as a sharing lock; either way the operating system drops it when
/// the process ends, crash included, so there is no stale lock to clean up. The file itself stays.
/// </summary>
/// <remarks>
/// Operator commands take the same lock for the moment they change the spool or the policy cache
/// directly. Holding it is what makes a direct change safe: no relay can be delivering from, or
/// recovering, the spool at the same time. The lock is advisory and per open file, so it also
/// works between a relay and a command inside one test process.
/// </remarks>
internal sealed class ServiceLock : IDisposable
{
    /// <summary>The lock file's name in the spool folder.</summary>
    public const string FileName = "relay.lock";

    private readonly FileStream _file;

    private ServiceLock(FileStream file) => _file = file;

    /// <summary>
    /// False when .NET file locking is switched off (<c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>):
    /// FileShare.None then locks nothing, and a command could not tell a running relay from a stopped one.
    /// </summary>
    public static bool IsSupported =>
        !(AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled)
        && Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is not ("1" or "true" or "TRUE" or "True");

    /// <summary>Takes the lock of the spool at <paramref name="spoolPath"/> (creating the folder), or null when someone holds it.</summary>
    public static ServiceLock? TryAcquire(string spoolPath)
    {
        Directory.CreateDirectory(spoolPath);
        var path = Path.Combine(spoolPath, FileName);
        try
        {
            // Read access is enough for flock(LOCK_EX), and lets a command run by another user than
            // the relay's still open a lock file the relay created (mode 0644).
            return new ServiceLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None));
        }
        catch (IOException e) when (IsHeldByOther(e))
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    /// <summary>EWOULDBLOCK from flock on Unix (11 on Linux, 35 on BSD/macOS); sharing or lock violation on Windows.</summary>
    private static bool IsHeldByOther(IOException e) =>
        OperatingSystem.IsWindows()
            ? (e.HResult & 0xFFFF) is 32 or 33
            : e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);
}
