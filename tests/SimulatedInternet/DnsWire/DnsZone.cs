namespace SimulatedInternet.DnsWire;

/// <summary>One resource record held by the zone; RDATA is pre-encoded, CNAME keeps its target for chasing.</summary>
internal sealed record ZoneRecord(DnsRecordType Type, byte[] Data, string? Target = null);

/// <summary>A record to put in the answer section under <see cref="Owner"/>.</summary>
internal sealed record DnsAnswer(string Owner, ZoneRecord Record);

/// <summary>The outcome of a lookup: the RCODE (null: stay silent) and the answers.</summary>
internal sealed record DnsLookup(DnsRcode? Code, IReadOnlyList<DnsAnswer> Answers);

/// <summary>
/// The live-mutable, thread-safe zone behind <see cref="DnsTestServer"/>. It answers authoritatively:
/// unknown names get NXDOMAIN, names that exist with other types (or only have names below them, RFC 8020
/// empty non-terminals) get NODATA, and CNAMEs are chased inside the zone (RFC 1034 §4.3.2 step 3a).
/// </summary>
internal sealed class DnsZone
{
    private const int MaxCnameHops = 8;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<ZoneRecord>> _records = [];
    // Keyed by name and type; a null type forces the code for every type of the name.
    private readonly Dictionary<(string Name, DnsRecordType? Type), DnsRcode> _forcedCodes = [];
    private readonly HashSet<string> _silent = [];

    public void Add(string name, ZoneRecord record)
    {
        lock (_lock)
        {
            if (!_records.TryGetValue(name, out var list))
            {
                _records[name] = list = [];
            }

            list.Add(record);
        }
    }

    public void SetResponseCode(string name, DnsRcode code, DnsRecordType? type = null)
    {
        lock (_lock)
        {
            if (code == DnsRcode.NoError)
            {
                _forcedCodes.Remove((name, type));
            }
            else
            {
                _forcedCodes[(name, type)] = code;
            }
        }
    }

    public void SetSilent(string name, bool silent)
    {
        lock (_lock)
        {
            _ = silent ? _silent.Add(name) : _silent.Remove(name);
        }
    }

    public bool Remove(string name, DnsRecordType? type)
    {
        lock (_lock)
        {
            if (type is { } only)
            {
                var removed = _records.TryGetValue(name, out var list) && list.RemoveAll(r => r.Type == only) > 0;
                if (list is { Count: 0 })
                {
                    _records.Remove(name);
                }

                return removed;
            }

            var any = _records.Remove(name);
            foreach (var key in _forcedCodes.Keys.Where(k => k.Name == name).ToList())
            {
                any |= _forcedCodes.Remove(key);
            }

            return _silent.Remove(name) || any;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _records.Clear();
            _forcedCodes.Clear();
            _silent.Clear();
        }
    }

    public DnsLookup Lookup(string name, string ownerAsAsked, DnsRecordType type)
    {
        lock (_lock)
        {
            if (_silent.Contains(name))
            {
                return new DnsLookup(null, []);
            }

            if (_forcedCodes.TryGetValue((name, type), out var forced) || _forcedCodes.TryGetValue((name, null), out forced))
            {
                return new DnsLookup(forced, []);
            }

            if (!_records.ContainsKey(name))
            {
                var emptyNonTerminal = _records.Keys.Any(k => k.EndsWith("." + name, StringComparison.Ordinal));
                return new DnsLookup(emptyNonTerminal ? DnsRcode.NoError : DnsRcode.NXDomain, []);
            }

            return new DnsLookup(DnsRcode.NoError, Chase(name, ownerAsAsked, type));
        }
    }

    // Caller holds the lock. Follows CNAMEs while the target is in the zone, collecting the chain.
    private List<DnsAnswer> Chase(string name, string owner, DnsRecordType type)
    {
        var answers = new List<DnsAnswer>();
        for (var hop = 0; hop <= MaxCnameHops && _records.TryGetValue(name, out var records); hop++)
        {
            var matches = records.Where(r => r.Type == type || type == DnsRecordType.Any).ToList();
            if (matches.Count > 0)
            {
                answers.AddRange(matches.Select(r => new DnsAnswer(owner, r)));
                break;
            }

            var cname = records.Find(r => r.Type == DnsRecordType.Cname);
            if (cname?.Target is not { } target)
            {
                break;
            }

            answers.Add(new DnsAnswer(owner, cname));
            name = target;
            owner = target;
        }

        return answers;
    }
}
