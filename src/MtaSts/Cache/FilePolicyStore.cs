using System.Text.Json;
using Microsoft.Extensions.Logging;
using MtaSts.Policy;

namespace MtaSts.Cache;

/// <summary>
/// The persistent policy cache: one JSON file per domain in a folder. Writes are atomic (temporary
/// file, flush to disk, rename), so a crash leaves either the old or the new entry, never half of
/// one. A damaged entry is never a crash: it is renamed to <c>&lt;domain&gt;.json.corrupt-&lt;time&gt;</c>
/// with one warning, and the domain is then fetched as if nothing were cached.
/// </summary>
public sealed partial class FilePolicyStore : IPolicyStore
{
    private const int FormatVersion = 1;

    /// <summary>No entry is larger: a policy is at most 64 KiB, and JSON escaping at most quadruples it.</summary>
    private const long MaxEntryBytes = MtaStsOptions.MaxPolicyBytes * 4;

    private readonly string _folder;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the store, creating <paramref name="folder"/> if needed; <paramref name="time"/> names set-aside copies.</summary>
    public FilePolicyStore(string folder, ILogger<FilePolicyStore>? logger = null, TimeProvider? time = null)
    {
        _folder = Path.GetFullPath(folder);
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(_folder);
    }

    /// <summary>The folder holding the entries.</summary>
    public string Folder => _folder;

    /// <inheritdoc />
    public async Task<CachedPolicy?> GetAsync(string domain, CancellationToken cancellationToken)
    {
        var path = PathOf(domain);
        return File.Exists(path) ? await ReadAsync(path, cancellationToken) : null;
    }

    /// <inheritdoc />
    public async Task SetAsync(CachedPolicy policy, CancellationToken cancellationToken)
    {
        var json = new PolicyFileJson(FormatVersion, policy.Domain, policy.Id, policy.FetchedAt, policy.ExpiresAt, policy.Policy.ToPolicyText());
        var path = PathOf(policy.Domain);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, json, PolicyFileJsonContext.Default.PolicyFileJson, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <inheritdoc />
    public Task RemoveAsync(string domain, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(domain));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CachedPolicy>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<CachedPolicy>();
        foreach (var path in Directory.EnumerateFiles(_folder, "*.json"))
        {
            if (await ReadAsync(path, cancellationToken) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private async Task<CachedPolicy?> ReadAsync(string path, CancellationToken cancellationToken) =>
        (await ReadEntryAsync(path, cancellationToken)).Entry;

    /// <summary>The entry at <paramref name="path"/> and the bytes it was read from; null when absent or damaged (then set aside).</summary>
    private async Task<(CachedPolicy? Entry, byte[]? Bytes)> ReadEntryAsync(string path, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = await ReadBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return (null, null); // removed between listing and reading: nothing cached, nothing wrong
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not provably damaged (a permission, a disk error): ignored and logged, left where it is.
            MtaStsLog.CorruptCacheEntry(_logger, path, e.Message);
            return (null, null);
        }

        if (bytes is null)
        {
            return (SetAside(path, aside => new FileInfo(aside).Length > MaxEntryBytes, "the file is larger than any policy entry can be"), null);
        }

        var (entry, problem) = Decode(path, bytes);
        return problem is null ? (entry, bytes) : (SetAside(path, aside => SameBytes(aside, bytes), problem), null);
    }

    /// <summary>The file's bytes, or null when it is larger than any entry can be.</summary>
    private static async Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        if (stream.Length > MaxEntryBytes)
        {
            return null;
        }

        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    /// <summary>The entry in <paramref name="bytes"/>, or why there is none.</summary>
    private static (CachedPolicy? Entry, string? Problem) Decode(string path, byte[] bytes)
    {
        PolicyFileJson? json;
        try
        {
            json = JsonSerializer.Deserialize(bytes, PolicyFileJsonContext.Default.PolicyFileJson);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return (null, e.Message);
        }

        if (json is null || json.Version != FormatVersion || string.IsNullOrEmpty(json.Domain) || string.IsNullOrEmpty(json.Id))
        {
            return (null, "missing fields or unknown format version");
        }

        // The file name is the key: an entry naming another domain (copied or edited by hand) must
        // not be applied to this one, nor land in the memory cache under the other name.
        if (!string.Equals(json.Domain, Path.GetFileNameWithoutExtension(path), StringComparison.Ordinal))
        {
            return (null, $"the entry is for '{json.Domain}', not for the domain its file is named after");
        }

        var parsed = PolicyParser.Parse(json.Policy ?? "");
        return parsed.IsValid
            ? (new CachedPolicy(json.Domain, json.Id, parsed.Policy!, json.FetchedAt, json.ExpiresAt), null)
            : (null, "the stored policy no longer parses: " + parsed.Error);
    }

    /// <summary>Domains are normalised A-labels ([a-z0-9.-]), so they are safe file names as they are.</summary>
    private string PathOf(string domain)
    {
        var normalized = DomainName.Normalize(domain);
        return Path.Combine(_folder, normalized + ".json");
    }
}
