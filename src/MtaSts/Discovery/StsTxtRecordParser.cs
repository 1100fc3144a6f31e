namespace MtaSts.Discovery;

/// <summary>
/// The grammar of the <c>_mta-sts</c> TXT record (RFC 8461 §3.1, errata 6285) and the rule that
/// exactly one STS record must remain after discarding the others (rules doc §1).
/// </summary>
public static class StsTxtRecordParser
{
    /// <summary>
    /// True when <paramref name="text"/> starts with <c>v=STSv1</c> followed by end of text or
    /// optional spaces/tabs and <c>;</c>. Records that do not are discarded before selection.
    /// </summary>
    public static bool IsStsRecord(string text) => throw new NotImplementedException();

    /// <summary>Parses one record that <see cref="IsStsRecord"/> accepted.</summary>
    public static bool TryParse(string text, out StsTxtRecord? record, out string? error) =>
        throw new NotImplementedException();

    /// <summary>
    /// Applies discovery's selection rules to every TXT record at the name, each already joined from
    /// its strings with no separator.
    /// </summary>
    public static TxtSelection Select(IReadOnlyList<string> records) => throw new NotImplementedException();
}
