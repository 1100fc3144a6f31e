namespace MtaSts.Policy;

/// <summary>
/// The fields of a policy as its lines are read (RFC 8461 §3.2): which key means what, and what each
/// value may be.
/// </summary>
/// <remarks>
/// Values are compared exactly as the ABNF spells them: <c>STSv1</c>, and <c>enforce</c>,
/// <c>testing</c>, <c>none</c> in lower case. <c>Mode: Enforce</c> would read naturally, but the major
/// senders reject it, and enforcing a policy that other senders ignore would hide the mistake from
/// the domain's administrator. For <c>version</c>, <c>mode</c> and <c>max_age</c> the first line
/// counts and later ones are not read. <c>mx</c> errors are held until the end: under
/// <c>mode: none</c> the mx list means nothing, so a bad leftover mx line must not stop a domain
/// from retiring its policy; under enforce or testing the first bad mx line makes the policy invalid.
/// </remarks>
internal struct PolicyFields
{
    /// <summary>No domain needs this many MX hosts; past it a body is hostile or broken.</summary>
    internal const int MaxMxLines = 1000;

    private bool _hasVersion;
    private MtaStsMode? _mode;
    private long? _maxAgeSeconds;
    private List<MxPattern>? _mx;
    private int _mxLines;
    private string? _firstMxError;

    /// <summary>Takes one line's key and value; returns why the policy is invalid, if this line makes it so.</summary>
    public string? Add(ReadOnlySpan<char> key, ReadOnlySpan<char> value, int lineNumber)
    {
        if (key.Equals("mx", StringComparison.OrdinalIgnoreCase))
        {
            return AddMx(value, lineNumber);
        }

        if (key.Equals("version", StringComparison.OrdinalIgnoreCase))
        {
            return _hasVersion ? null : SetVersion(value, lineNumber);
        }

        if (key.Equals("mode", StringComparison.OrdinalIgnoreCase))
        {
            return _mode is not null ? null : SetMode(value, lineNumber);
        }

        if (key.Equals("max_age", StringComparison.OrdinalIgnoreCase))
        {
            return _maxAgeSeconds is not null ? null : SetMaxAge(value, lineNumber);
        }

        // §3.2: unknown fields are extensions and are ignored.
        return null;
    }

    /// <summary>The policy once every line is read, or null with what is missing.</summary>
    public readonly MtaStsPolicy? ToPolicy(out string? error)
    {
        error = FindMissing();
        if (error is not null)
        {
            return null;
        }

        MxPattern[] mx = _mx is null ? [] : [.. _mx];
        return new MtaStsPolicy(_mode!.Value, TimeSpan.FromSeconds(_maxAgeSeconds!.Value), mx);
    }

    private readonly string? FindMissing()
    {
        if (!_hasVersion)
        {
            return "the policy has no version line; add 'version: STSv1'";
        }

        if (_mode is not { } mode)
        {
            return "the policy has no mode line; add 'mode: enforce', 'mode: testing' or 'mode: none'";
        }

        if (_maxAgeSeconds is null)
        {
            return "the policy has no max_age line; add one in seconds, e.g. 'max_age: 604800'";
        }

        if (mode == MtaStsMode.None)
        {
            return null;
        }

        // §3.2: enforce and testing name the hosts that may receive mail; without any the policy
        // would refuse every MX.
        return _firstMxError ?? (_mx is null
            ? $"mode {Spell(mode)} needs at least one mx line naming the domain's MX hosts, e.g. 'mx: mail.example.com'"
            : null);
    }

    private string? SetVersion(ReadOnlySpan<char> value, int lineNumber)
    {
        if (!value.SequenceEqual("STSv1"))
        {
            return $"line {lineNumber}: version '{ErrorText.Quote(value)}' is not supported; it must be exactly STSv1";
        }

        _hasVersion = true;
        return null;
    }

    private string? SetMode(ReadOnlySpan<char> value, int lineNumber)
    {
        _mode = value switch
        {
            "enforce" => MtaStsMode.Enforce,
            "testing" => MtaStsMode.Testing,
            "none" => MtaStsMode.None,
            _ => null,
        };
        return _mode is null
            ? $"line {lineNumber}: mode '{ErrorText.Quote(value)}' is not one of enforce, testing, none (lower case, RFC 8461 §3.2)"
            : null;
    }

    /// <summary>§3.2: 1*10DIGIT seconds; errata 7282 caps it at one year; 0 means "do not keep".</summary>
    private string? SetMaxAge(ReadOnlySpan<char> value, int lineNumber)
    {
        if (value.IsEmpty || value.Length > 10 || value.ContainsAnyExceptInRange('0', '9'))
        {
            return $"line {lineNumber}: max_age '{ErrorText.Quote(value)}' must be 1 to 10 digits "
                + "(seconds), e.g. 604800";
        }

        long seconds = 0;
        foreach (var digit in value)
        {
            seconds = (seconds * 10) + (digit - '0');
        }

        _maxAgeSeconds = Math.Min(seconds, MtaStsPolicy.MaxAgeCapSeconds);
        return null;
    }

    private string? AddMx(ReadOnlySpan<char> value, int lineNumber)
    {
        if (++_mxLines > MaxMxLines)
        {
            return $"line {lineNumber}: the policy has more than {MaxMxLines} mx lines";
        }

        if (MxPatternRules.TryCreate(value, null, out var pattern, out var error))
        {
            (_mx ??= new List<MxPattern>(4)).Add(pattern);
        }
        else
        {
            _firstMxError ??= $"line {lineNumber}: {error}";
        }

        return null;
    }

    private static string Spell(MtaStsMode mode) => mode == MtaStsMode.Enforce ? "enforce" : "testing";
}
