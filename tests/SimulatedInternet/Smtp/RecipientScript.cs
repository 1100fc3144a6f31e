namespace SimulatedInternet.Smtp;

/// <summary>
/// Per-address RCPT scripts of one MX, thread-safe. "*" scripts every address without its own script;
/// each address counts its own uses of a script, and setting a script restarts that count.
/// </summary>
internal sealed class RecipientScript
{
    public const string AnyAddress = "*";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RecipientReply> _scripts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _used = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _offered = new(StringComparer.OrdinalIgnoreCase);

    public void Set(string address, RecipientReply reply)
    {
        lock (_lock)
        {
            _scripts[address] = reply;
            if (address == AnyAddress)
            {
                _used.Clear();
            }
            else
            {
                _used.Remove(address);
            }
        }
    }

    public int Offered(string address)
    {
        lock (_lock)
        {
            return _offered.GetValueOrDefault(address);
        }
    }

    /// <summary>The reply for this RCPT, or null to accept.</summary>
    public SmtpReply? Decide(string address)
    {
        lock (_lock)
        {
            _offered[address] = _offered.GetValueOrDefault(address) + 1;
            if (!_scripts.TryGetValue(address, out var script) && !_scripts.TryGetValue(AnyAddress, out script))
            {
                return null;
            }

            var used = _used[address] = _used.GetValueOrDefault(address) + 1;
            return used <= script.Times ? script.Reply : null;
        }
    }
}
