using System.Text.Json;
using Microsoft.Extensions.Logging;
using MtaSts.Policy;

namespace MtaSts.Cache;

/// <summary>
/// The persistent policy cache: one JSON file per domain in a folder. Writes are atomic (temporary
/// file, flush to disk, rename), so a crash leaves either the old or the new entry, never half of
/// one. An unreadable entry is ignored with a warning, never a crash: the domain is then fetched as if
/// nothing were cached.
/// </summary>
public sealed class FilePolicyStore : IPolicyStore
{
    private const int FormatVersion = 1;
    private readonly string _folder;
    private readonly ILogger _logger;

    /// <summary>Creates the store, creating <paramref name="folder"/> if needed.</summary>
    public FilePolicyStore(string folder, ILogger<FilePolicyStore>? logger = null)
    {
        _folder = Path.GetFullPath(folder);
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
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

    private async Task<CachedPolicy?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
            if (stream.Length > MtaStsOptions.MaxPolicyBytes * 4)
            {
                return Corrupt(path, "the file is larger than any policy entry can be");
            }

            var json = await JsonSerializer.DeserializeAsync(stream, PolicyFileJsonContext.Default.PolicyFileJson, cancellationToken);
            if (json is null || json.Version != FormatVersion || string.IsNullOrEmpty(json.Domain) || string.IsNullOrEmpty(json.Id))
            {
                return Corrupt(path, "missing fields or unknown format version");
            }

            // The file name is the key: an entry naming another domain (copied or edited by hand) must
            // not be applied to this one, nor land in the memory cache under the other name.
            if (!string.Equals(json.Domain, Path.GetFileNameWithoutExtension(path), StringComparison.Ordinal))
            {
                return Corrupt(path, $"the entry is for '{json.Domain}', not for the domain its file is named after");
            }

            var parsed = PolicyParser.Parse(json.Policy ?? "");
            return parsed.IsValid
                ? new CachedPolicy(json.Domain, json.Id, parsed.Policy!, json.FetchedAt, json.ExpiresAt)
                : Corrupt(path, "the stored policy no longer parses: " + parsed.Error);
        }
        catch (FileNotFoundException)
        {
            return null; // removed between listing and reading: nothing cached, nothing wrong
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return Corrupt(path, e.Message);
        }
    }

    private CachedPolicy? Corrupt(string path, string reason)
    {
        MtaStsLog.CorruptCacheEntry(_logger, path, reason);
        return null;
    }

    /// <summary>Domains are normalised A-labels ([a-z0-9.-]), so they are safe file names as they are.</summary>
    private string PathOf(string domain)
    {
        var normalized = DomainName.Normalize(domain);
        return Path.Combine(_folder, normalized + ".json");
    }
}
