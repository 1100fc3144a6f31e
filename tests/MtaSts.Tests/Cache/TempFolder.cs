using MtaSts.Cache;
using MtaSts.Policy;

namespace MtaSts.Tests.Cache;

/// <summary>A unique temporary folder for one test, deleted on dispose; plus entry helpers.</summary>
public sealed class TempFolder : IDisposable
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mtasts-store-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Names of the files in the folder, sorted.</summary>
    public IReadOnlyList<string> FileNames() =>
        Directory.Exists(Path) ? [.. Directory.EnumerateFiles(Path).Select(f => System.IO.Path.GetFileName(f)!).Order(StringComparer.Ordinal)] : [];

    /// <summary>A cached enforce policy for <paramref name="domain"/> fetched at <see cref="Start"/>.</summary>
    public static CachedPolicy Entry(string domain, string id = "id1", string mx = "mx.example.test", long maxAgeSeconds = 86400)
    {
        var policy = PolicyParser.Parse($"version: STSv1\nmode: enforce\nmx: {mx}\nmax_age: {maxAgeSeconds}\n").Policy!;
        return new CachedPolicy(domain, id, policy, Start, Start + policy.MaxAge);
    }

    /// <summary>A store file in the on-disk format of FilePolicyStore.</summary>
    public static string EntryJson(string domain, string policy, int version = 1, string id = "id1") =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = version,
            ["domain"] = domain,
            ["id"] = id,
            ["fetchedAt"] = Start,
            ["expiresAt"] = Start.AddDays(1),
            ["policy"] = policy,
        });

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
