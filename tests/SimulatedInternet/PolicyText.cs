namespace SimulatedInternet;

/// <summary>Builds MTA-STS policy bodies (RFC 8461 §3.2) for tests.</summary>
public static class PolicyText
{
    /// <summary>
    /// "version: STSv1", the mode, one "mx:" line per pattern and max_age, each line ending in LF.
    /// <paramref name="mode"/> is written as given ("enforce", "testing", "none" or anything invalid).
    /// </summary>
    public static string Create(string mode, long maxAgeSeconds, params string[] mxPatterns)
    {
        ArgumentNullException.ThrowIfNull(mxPatterns);
        var lines = new List<string> { "version: STSv1", $"mode: {mode}" };
        lines.AddRange(mxPatterns.Select(mx => $"mx: {mx}"));
        lines.Add($"max_age: {maxAgeSeconds}");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>An enforce policy for these MX patterns with max_age one day.</summary>
    public static string Enforce(params string[] mxPatterns) => Create("enforce", 86400, mxPatterns);

    /// <summary>A testing policy for these MX patterns with max_age one day.</summary>
    public static string Testing(params string[] mxPatterns) => Create("testing", 86400, mxPatterns);
}
