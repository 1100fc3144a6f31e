namespace MtaSts.Policy;

/// <summary>The grammar and matching rules behind <see cref="MxPattern"/> (rules doc §3 and §5).</summary>
internal static class MxPatternRules
{
    public static bool TryCreate(string value, out MxPattern pattern, out string? error) =>
        throw new NotImplementedException();

    public static bool Matches(string pattern, string mxHost) =>
        throw new NotImplementedException();
}
