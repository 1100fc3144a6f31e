namespace MtaSts.Cache;

/// <summary>
/// Keeping the cache folder tidy: damaged entries set aside once (instead of being re-read and logged
/// at every lookup), leftover temporary files and long-expired entries deleted. Another process (the
/// relay, or an operator command) may write an entry at any moment, so an entry is only ever moved
/// away after checking that the file moved is still the one judged; a newer entry is put back.
/// </summary>
public sealed partial class FilePolicyStore : IPolicyStoreHousekeeping
{
    /// <summary>
    /// How long an expired entry is kept. An expired policy is never used (RFC 8461 §3.3), but
    /// <c>policy list</c> shows it for a while; a week matches the proactive refresh's recent-use window.
    /// </summary>
    public static readonly TimeSpan ExpiredEntryGrace = TimeSpan.FromDays(7);

    /// <summary>A temporary file older than this is left over from an interrupted write (a write takes milliseconds).</summary>
    public static readonly TimeSpan StaleTempFileAge = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public async Task HousekeepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        string[] temps, entries;
        try
        {
            temps = Directory.GetFiles(_folder, "*.tmp");
            entries = Directory.GetFiles(_folder, "*.json");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            MtaStsLog.HousekeepingFailed(_logger, _folder, e.Message);
            return;
        }

        var removedTemps = temps.Count(path => IsStaleTemp(path, now) && TryDelete(path));
        var cutoff = now - ExpiredEntryGrace;
        var removedEntries = 0;
        foreach (var path in entries)
        {
            // Reading also sets damaged entries aside.
            var (entry, bytes) = await ReadEntryAsync(path, cancellationToken);
            if (entry is not null && entry.ExpiresAt < cutoff && TryRemoveUnchanged(path, bytes!))
            {
                removedEntries++;
            }
        }

        if (removedTemps + removedEntries > 0)
        {
            MtaStsLog.HousekeepingRemoved(_logger, _folder, removedEntries, cutoff, removedTemps);
        }
    }

    /// <summary>Renames a damaged entry to <c>&lt;domain&gt;.json.corrupt-&lt;time&gt;</c> (kept for the admin) and logs it once.</summary>
    private CachedPolicy? SetAside(string path, Func<string, bool> unchanged, string reason)
    {
        var aside = $"{path}.corrupt-{_time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}";
        string outcome;
        try
        {
            if (!MoveIfUnchanged(path, aside, unchanged))
            {
                return null; // replaced by a fresh entry meanwhile: the damage is gone
            }

            outcome = $"renamed to {Path.GetFileName(aside)}; the domain's policy is fetched again";
        }
        catch (FileNotFoundException)
        {
            return null; // set aside or removed by someone else meanwhile
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            outcome = "could not rename it: " + e.Message;
        }

        MtaStsLog.CorruptCacheEntry(_logger, path, $"{reason}; {outcome}");
        return null;
    }

    private bool TryRemoveUnchanged(string path, byte[] seen)
    {
        var doomed = $"{path}.{Guid.NewGuid():N}.tmp"; // swept later should we stop halfway
        try
        {
            if (!MoveIfUnchanged(path, doomed, moved => SameBytes(moved, seen)))
            {
                return false; // refreshed meanwhile: the new entry stays
            }

            File.Delete(doomed);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            MtaStsLog.HousekeepingFailed(_logger, path, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Moves <paramref name="path"/> to <paramref name="destination"/> if the file moved passes
    /// <paramref name="unchanged"/>. If a writer replaced the entry between our read and the move, the
    /// newer entry is put back (unless an even newer one has arrived) and false is returned.
    /// </summary>
    internal static bool MoveIfUnchanged(string path, string destination, Func<string, bool> unchanged)
    {
        File.Move(path, destination, overwrite: true);
        if (unchanged(destination))
        {
            return true;
        }

        try
        {
            File.Move(destination, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(destination);
        }

        return false;
    }

    private static bool SameBytes(string path, byte[] seen) => File.ReadAllBytes(path).AsSpan().SequenceEqual(seen);

    private static bool IsStaleTemp(string path, DateTimeOffset now)
    {
        var file = new FileInfo(path); // gone already (a write just finished): not stale, nothing to do
        return file.Exists && now.UtcDateTime - file.LastWriteTimeUtc > StaleTempFileAge;
    }

    private bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            MtaStsLog.HousekeepingFailed(_logger, path, e.Message);
            return false;
        }
    }
}
