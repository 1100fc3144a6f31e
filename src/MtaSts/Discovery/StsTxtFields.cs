namespace MtaSts.Discovery;

/// <summary>
/// The fields after <c>v=STSv1</c> in an <c>_mta-sts</c> TXT record (RFC 8461 §3.1 ABNF), read one at
/// a time. The first <c>id</c> counts; other fields, including later <c>id</c>s, must be well-formed
/// <c>sts-extension</c>s and are otherwise ignored.
/// </summary>
internal struct StsTxtFields
{
    private const string Whitespace = " \t";
    private const int MaxIdLength = 32;
    private const int MaxNameLength = 32;

    private bool _sawIdInOtherCase;

    /// <summary>The first <c>id</c> field's value, once read.</summary>
    public string? Id { get; private set; }

    /// <summary>
    /// Reads <c>*WSP ";" *WSP sts-field</c> (or the optional final delimiter) off the front of
    /// <paramref name="rest"/>, which starts just after optional spaces; returns why it is invalid, if it is.
    /// </summary>
    public string? ReadNext(ref ReadOnlySpan<char> rest)
    {
        if (rest[0] != ';')
        {
            return $"'{ErrorText.Quote(rest)}' follows a field without a ';' before it; separate fields with ';'";
        }

        rest = rest[1..].TrimStart(Whitespace);
        if (rest.IsEmpty)
        {
            return null;
        }

        var end = rest.IndexOfAny(" \t;");
        var field = end < 0 ? rest : rest[..end];
        rest = end < 0 ? [] : rest[end..].TrimStart(Whitespace);
        return field.IsEmpty ? "the record has an empty field (two ';' in a row)" : ReadField(field);
    }

    /// <summary>What to tell the administrator when no <c>id</c> field was found.</summary>
    public readonly string MissingIdError() => _sawIdInOtherCase
        ? "the record has no id= field (field names are case-sensitive: write id= in lower case)"
        : "the record has no id= field; add one of 1 to 32 letters or digits, e.g. id=20240101T0000";

    private string? ReadField(ReadOnlySpan<char> field)
    {
        var equals = field.IndexOf('=');
        if (equals < 0)
        {
            return $"field '{ErrorText.Quote(field)}' has no '='; fields are name=value";
        }

        var name = field[..equals];
        var value = field[(equals + 1)..];
        var isId = name.SequenceEqual("id");
        if (isId && Id is null)
        {
            return SetId(value);
        }

        _sawIdInOtherCase |= !isId && name.Equals("id", StringComparison.OrdinalIgnoreCase);
        return FindNameError(name) ?? FindValueError(name, value);
    }

    /// <summary>sts-id = %s"id=" 1*32(ALPHA / DIGIT).</summary>
    private string? SetId(ReadOnlySpan<char> value)
    {
        if (value.Length > MaxIdLength || !IsAlphaDigit(value))
        {
            return $"id '{ErrorText.Quote(value)}' must be 1 to 32 letters or digits (no '-', '.', ':' or spaces)";
        }

        Id = new string(value);
        return null;
    }

    /// <summary>sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".").</summary>
    private static string? FindNameError(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return "a field has no name before '='";
        }

        var valid = name.Length <= MaxNameLength
            && char.IsAsciiLetterOrDigit(name[0])
            && !name.ContainsAnyExcept(NameCharacters);
        return valid
            ? null
            : $"field name '{ErrorText.Quote(name)}' is invalid: it must start with a letter or digit and have at most 32 "
                + "letters, digits, '_', '-' or '.'";
    }

    /// <summary>sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): printable, no ';', '=' or space.</summary>
    private static string? FindValueError(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return $"field '{ErrorText.Quote(name)}' has an empty value";
        }

        return value.Contains('=')
            ? $"the value of field '{ErrorText.Quote(name)}' contains '='; separate fields with ';'"
            : null;
    }

    private static bool IsAlphaDigit(ReadOnlySpan<char> value) =>
        !value.IsEmpty && !value.ContainsAnyExcept(AlphaDigit);

    private static readonly System.Buffers.SearchValues<char> AlphaDigit =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-.");
}
