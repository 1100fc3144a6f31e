namespace MtaSts.Discovery;

/// <summary>
/// The grammar of the <c>_mta-sts</c> TXT record (RFC 8461 §3.1, errata 6285) and the rule that
/// exactly one STS record must remain after discarding the others (rules doc §1).
/// </summary>
/// <remarks>
/// <c>v=STSv1</c> and <c>id=</c> are case-sensitive (<c>%s</c> in the ABNF). Spaces and tabs are
/// allowed on both sides of each <c>;</c> and, as our one relaxation beyond errata 6285, at the very
/// end of the record: a record that fails here leaves the domain without a policy from DNS, which
/// helps no one when the only fault is a trailing space.
/// </remarks>
public static class StsTxtRecordParser
{
    private const string Version = "v=STSv1";

    /// <summary>WSP of RFC 5234.</summary>
    private const string Whitespace = " \t";

    /// <summary>
    /// True when <paramref name="text"/> starts with <c>v=STSv1</c> followed by optional spaces/tabs
    /// and then <c>;</c> or the end of the text. Records that do not are discarded before selection.
    /// </summary>
    public static bool IsStsRecord(string text)
    {
        if (text is null || !text.StartsWith(Version, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text.AsSpan(Version.Length).TrimStart(Whitespace);
        return rest.IsEmpty || rest[0] == ';';
    }

    /// <summary>Parses one record that <see cref="IsStsRecord"/> accepted.</summary>
    /// <param name="text">The record, its strings joined with no separator.</param>
    /// <param name="record">The record when it is valid.</param>
    /// <param name="error">What an administrator must fix, when it is not.</param>
    /// <returns>True when the record is valid.</returns>
    public static bool TryParse(string text, out StsTxtRecord? record, out string? error)
    {
        record = null;
        error = FindGrammarError(text, out var id);
        if (error is not null)
        {
            return false;
        }

        record = new StsTxtRecord(id!, text);
        return true;
    }

    /// <summary>
    /// Applies discovery's selection rules to every TXT record at the name, each already joined from
    /// its strings with no separator.
    /// </summary>
    /// <param name="records">Every TXT record found at <c>_mta-sts.&lt;domain&gt;</c>.</param>
    /// <returns>The one valid STS record, or why there is none.</returns>
    public static TxtSelection Select(IReadOnlyList<string> records)
    {
        string? chosen = null;
        var count = 0;
        foreach (var text in records ?? [])
        {
            if (IsStsRecord(text))
            {
                chosen ??= text;
                count++;
            }
        }

        // §3.1: records that do not begin with v=STSv1 are discarded; exactly one must remain.
        if (count == 0)
        {
            return new TxtSelection(TxtSelectionStatus.NoRecord, null, "no TXT record starts with v=STSv1");
        }

        if (count > 1)
        {
            return new TxtSelection(
                TxtSelectionStatus.Invalid, null, $"{count} records start with v=STSv1; exactly one is allowed");
        }

        return TryParse(chosen!, out var record, out var error)
            ? new TxtSelection(TxtSelectionStatus.Found, record, null)
            : new TxtSelection(TxtSelectionStatus.Invalid, null, error);
    }

    /// <summary>
    /// Walks <c>sts-version 1*(sts-field-delim sts-field) [sts-field-delim]</c>; returns why the
    /// record breaks it, or null with the first <c>id</c>.
    /// </summary>
    private static string? FindGrammarError(string text, out string? id)
    {
        id = null;
        if (!IsStsRecord(text))
        {
            return "the record must start with v=STSv1 (exactly so, in this case) followed by ';'";
        }

        var badCharacter = text.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        if (badCharacter >= 0 && text[badCharacter] != '\t')
        {
            return $"the record has a non-ASCII or control character at position {badCharacter + 1}; "
                + "only printable ASCII is allowed";
        }

        var fields = new StsTxtFields();
        var rest = text.AsSpan(Version.Length).TrimStart(Whitespace);
        while (!rest.IsEmpty)
        {
            var error = fields.ReadNext(ref rest);
            if (error is not null)
            {
                return error;
            }
        }

        id = fields.Id;
        return id is null ? fields.MissingIdError() : null;
    }
}
