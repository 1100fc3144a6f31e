namespace MtaStsRelay.Tests.Samples;

/// <summary>The repository's <c>samples/</c> folder, found by walking up from the test binaries.</summary>
internal static class SampleFiles
{
    private static readonly Lazy<string> Folder = new(FindFolder);

    public static string PathOf(string name) => Path.Combine(Folder.Value, name);

    public static string Read(string name) => File.ReadAllText(PathOf(name));

    /// <summary>The lines that are not blank and not comments (<paramref name="commentPrefix"/>).</summary>
    public static IReadOnlyList<string> ContentLines(string name, string commentPrefix) =>
        [.. Read(name).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith(commentPrefix, StringComparison.Ordinal))];

    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "samples");
            if (File.Exists(Path.Combine(candidate, "appsettings.Exchange.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no samples/appsettings.Exchange.json above {AppContext.BaseDirectory}");
    }
}
