using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MtaSts.Cache;
using static MtaStsRelay.Cli.OperatorText;

namespace MtaStsRelay.Cli.Policy;

/// <summary>How <c>policy list</c> and <c>policy show</c> print cache entries, as text or JSON (schema 1).</summary>
internal sealed class PolicyView(IPolicyStore store, DateTimeOffset now)
{
    public const int Schema = 1;

    public string ListText(IReadOnlyList<CachedPolicy> entries)
    {
        if (entries.Count == 0)
        {
            return $"No policies cached{InFolder()}.";
        }

        var width = Math.Max(6, entries.Max(e => e.Domain.Length));
        var text = new StringBuilder();
        text.AppendLine($"{"DOMAIN".PadRight(width)}  {"MODE",-7}  {"ID",-20}  {"FETCHED",-20}  {"EXPIRES",-20}  MX");
        foreach (var e in entries)
        {
            var expires = Utc(e.ExpiresAt) + (e.IsExpired(now) ? " (expired)" : "");
            text.AppendLine($"{e.Domain.PadRight(width)}  {Mode(e),-7}  {e.Id,-20}  {Utc(e.FetchedAt),-20}  {expires,-20}  {string.Join(' ', e.Policy.Mx)}");
        }

        text.Append($"-- {entries.Count} polic{(entries.Count == 1 ? "y" : "ies")}{InFolder()}");
        return text.ToString();
    }

    public string ShowText(CachedPolicy e)
    {
        var expiry = e.IsExpired(now) ? $"expired {Age(now - e.ExpiresAt)} ago; the next delivery fetches it again" : $"in {Age(e.ExpiresAt - now)}";
        var text = new StringBuilder();
        text.AppendLine($"Domain:     {e.Domain}");
        text.AppendLine($"Policy id:  {e.Id}");
        text.AppendLine($"Mode:       {Mode(e)}");
        text.AppendLine($"Max age:    {(long)e.Policy.MaxAge.TotalSeconds} s ({Age(e.Policy.MaxAge)})");
        text.AppendLine($"MX:         {string.Join(", ", e.Policy.Mx)}");
        text.AppendLine($"Fetched:    {Utc(e.FetchedAt)} ({Age(now - e.FetchedAt)} ago)");
        text.AppendLine($"Expires:    {Utc(e.ExpiresAt)} ({expiry})");
        text.Append($"File:       {FileOf(e) ?? "(not a file store)"}");
        return text.ToString();
    }

    public string ListJson(IReadOnlyList<CachedPolicy> entries) =>
        JsonSerializer.Serialize(new PolicyListJson(Schema, (store as FilePolicyStore)?.Folder, entries.Count, [.. entries.Select(ToJson)]), PolicyJsonContext.Default.PolicyListJson);

    public string ShowJson(CachedPolicy entry) => JsonSerializer.Serialize(ToJson(entry), PolicyJsonContext.Default.CachedPolicyJson);

    private CachedPolicyJson ToJson(CachedPolicy e) => new(
        Schema, e.Domain, e.Id, Mode(e), (long)e.Policy.MaxAge.TotalSeconds, [.. e.Policy.Mx.Select(m => m.ToString()!)],
        e.FetchedAt, e.ExpiresAt, (long)(now - e.FetchedAt).TotalSeconds, e.IsExpired(now), FileOf(e));

    private string? FileOf(CachedPolicy e) => store is FilePolicyStore files ? Path.Combine(files.Folder, e.Domain + ".json") : null;

    private string InFolder() => store is FilePolicyStore files ? $" in {files.Folder}" : "";

    private static string Mode(CachedPolicy e) => e.Policy.Mode.ToString().ToLowerInvariant();
}

/// <summary><c>policy list --json</c>.</summary>
internal sealed record PolicyListJson(int Schema, string? Folder, int Count, IReadOnlyList<CachedPolicyJson> Policies);

/// <summary>One cached policy (<c>policy show --json</c>, and each entry of the list).</summary>
internal sealed record CachedPolicyJson(
    int Schema, string Domain, string Id, string Mode, long MaxAge, IReadOnlyList<string> Mx,
    DateTimeOffset FetchedAt, DateTimeOffset ExpiresAt, long AgeSeconds, bool Expired, string? File);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(PolicyListJson))]
[JsonSerializable(typeof(CachedPolicyJson))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
