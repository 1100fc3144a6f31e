using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SimulatedInternet.DnsWire;

namespace SimulatedInternet;

/// <summary>
/// A small authoritative DNS server on 127.0.0.1, UDP and TCP on the same port, with a zone tests can
/// change while it runs. Names are case-insensitive and the trailing dot is optional. Unknown names get
/// NXDOMAIN, known names without the asked type get NODATA, CNAMEs are chased inside the zone, and a
/// UDP answer too big for the client (512 bytes without EDNS) comes back with TC=1 so the client retries
/// over TCP. Every query is logged for assertions (<see cref="Queries"/>, <see cref="QueryCount(string, DnsRecordType)"/>).
/// </summary>
public sealed class DnsTestServer : IAsyncDisposable
{
    private readonly DnsZone _zone = new();
    private readonly List<DnsQueryLogEntry> _queries = [];
    private readonly DnsListener _listener;
    private long _ttlSeconds = 60;

    private DnsTestServer()
    {
        _listener = DnsListener.Start(Answer);
    }

    /// <summary>The UDP and TCP endpoint (127.0.0.1 and an OS-chosen port).</summary>
    public IPEndPoint EndPoint => _listener.EndPoint;

    /// <summary>The port shared by UDP and TCP.</summary>
    public int Port => EndPoint.Port;

    /// <summary>"127.0.0.1:port", the form the relay's DNS server setting takes.</summary>
    public string Address => $"{EndPoint.Address}:{EndPoint.Port}";

    /// <summary>TTL put on every answer record; 60 seconds unless changed.</summary>
    public TimeSpan Ttl
    {
        get => TimeSpan.FromSeconds(Interlocked.Read(ref _ttlSeconds));
        set => Interlocked.Exchange(ref _ttlSeconds, (long)Math.Clamp(value.TotalSeconds, 0, int.MaxValue));
    }

    /// <summary>A snapshot of every query received so far, oldest first.</summary>
    public IReadOnlyList<DnsQueryLogEntry> Queries
    {
        get
        {
            lock (_queries)
            {
                return [.. _queries];
            }
        }
    }

    /// <summary>Starts a server with an empty zone.</summary>
    public static Task<DnsTestServer> StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new DnsTestServer());
    }

    /// <summary>Adds an A record.</summary>
    public void AddA(string name, string address) => AddA(name, IPAddress.Parse(address));

    /// <summary>Adds an A record.</summary>
    public void AddA(string name, IPAddress address) => AddAddress(name, address, AddressFamily.InterNetwork, DnsRecordType.A);

    /// <summary>Adds an AAAA record.</summary>
    public void AddAaaa(string name, string address) => AddAaaa(name, IPAddress.Parse(address));

    /// <summary>Adds an AAAA record.</summary>
    public void AddAaaa(string name, IPAddress address) => AddAddress(name, address, AddressFamily.InterNetworkV6, DnsRecordType.Aaaa);

    /// <summary>Adds an MX record (RFC 1035 §3.3.9).</summary>
    public void AddMx(string name, int preference, string exchange)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(preference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(preference, ushort.MaxValue);
        var target = DnsName.Encode(exchange);
        var data = new byte[2 + target.Length];
        BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)preference);
        target.CopyTo(data, 2);
        Add(name, new ZoneRecord(DnsRecordType.Mx, data));
    }

    /// <summary>
    /// Adds ONE TXT record made of these character-strings (UTF-8 encoded). Each must fit in 255 bytes
    /// (RFC 1035 §3.3.14); split longer text yourself, as a DNS operator would.
    /// </summary>
    public void AddTxt(string name, params string[] strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        AddTxt(name, strings.Select(s => Encoding.UTF8.GetBytes(s)).ToArray());
    }

    /// <summary>Adds ONE TXT record made of these raw character-strings (any bytes, e.g. invalid UTF-8).</summary>
    public void AddTxt(string name, params byte[][] strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        if (strings.Length == 0)
        {
            throw new ArgumentException("A TXT record needs at least one character-string.", nameof(strings));
        }

        var data = new List<byte>();
        foreach (var text in strings)
        {
            if (text.Length > 255)
            {
                throw new ArgumentException($"A TXT character-string holds at most 255 bytes; got {text.Length}. Split it.", nameof(strings));
            }

            data.Add((byte)text.Length);
            data.AddRange(text);
        }

        Add(name, new ZoneRecord(DnsRecordType.Txt, [.. data]));
    }

    /// <summary>Adds a CNAME; queries for other types of <paramref name="name"/> follow it inside the zone.</summary>
    public void AddCname(string name, string target) =>
        Add(name, new ZoneRecord(DnsRecordType.Cname, DnsName.Encode(target), DnsName.Normalize(target)));

    /// <summary>Adds a record of any type with raw RDATA (e.g. TLSA), answered as is.</summary>
    public void AddRecord(string name, DnsRecordType type, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, ushort.MaxValue);
        Add(name, new ZoneRecord(type, [.. data]));
    }

    /// <summary>
    /// Answers queries for <paramref name="name"/> with this RCODE and no records, e.g.
    /// <see cref="DnsRcode.ServFail"/>: every type, or only <paramref name="type"/> (a server that fails
    /// AAAA but answers A). <see cref="DnsRcode.NoError"/> restores normal answers.
    /// </summary>
    public void SetResponseCode(string name, DnsRcode code, DnsRecordType? type = null) => _zone.SetResponseCode(DnsName.Normalize(name), code, type);

    /// <summary>Makes the server ignore queries for <paramref name="name"/> (the client times out); false undoes it.</summary>
    public void SetUnresponsive(string name, bool unresponsive = true) => _zone.SetSilent(DnsName.Normalize(name), unresponsive);

    /// <summary>
    /// Removes the records of <paramref name="type"/> at <paramref name="name"/>, or with no type everything
    /// about the name (records, forced RCODE, unresponsiveness). Returns whether anything was removed.
    /// </summary>
    public bool Remove(string name, DnsRecordType? type = null) => _zone.Remove(DnsName.Normalize(name), type);

    /// <summary>Empties the zone (the query log is kept; see <see cref="ClearQueryLog"/>).</summary>
    public void Clear() => _zone.Clear();

    /// <summary>How many queries for <paramref name="name"/> and <paramref name="type"/> arrived (UDP and TCP).</summary>
    public int QueryCount(string name, DnsRecordType type)
    {
        var key = DnsName.Normalize(name);
        lock (_queries)
        {
            return _queries.Count(q => q.Name == key && q.Type == type);
        }
    }

    /// <summary>How many queries of any type for <paramref name="name"/> arrived.</summary>
    public int QueryCount(string name)
    {
        var key = DnsName.Normalize(name);
        lock (_queries)
        {
            return _queries.Count(q => q.Name == key);
        }
    }

    /// <summary>Forgets the queries logged so far.</summary>
    public void ClearQueryLog()
    {
        lock (_queries)
        {
            _queries.Clear();
        }
    }

    /// <summary>Closes both sockets and waits for the serving loops to end.</summary>
    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private void Add(string name, ZoneRecord record) => _zone.Add(DnsName.Normalize(name), record);

    private void AddAddress(string name, IPAddress address, AddressFamily family, DnsRecordType type)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != family)
        {
            throw new ArgumentException($"{address} is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address.", nameof(address));
        }

        Add(name, new ZoneRecord(type, address.GetAddressBytes()));
    }

    // Runs on the socket loops: must never throw, whatever arrives.
    private byte[]? Answer(ReadOnlyMemory<byte> message, DnsTransport transport)
    {
        var status = DnsQueryParser.Parse(message.Span, out var id, out var query);
        if (status == DnsParseStatus.Ignore)
        {
            return null;
        }

        if (query is null)
        {
            return DnsResponseWriter.WriteHeaderOnly(id, DnsRcode.FormErr);
        }

        try
        {
            return Answer(query, transport);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return DnsResponseWriter.WriteHeaderOnly(id, DnsRcode.ServFail);
        }
    }

    private byte[]? Answer(DnsQuery query, DnsTransport transport)
    {
        var type = (DnsRecordType)query.Type;
        var lookup = query.Opcode == 0
            ? _zone.Lookup(query.NormalizedName, query.Name, type)
            : new DnsLookup(DnsRcode.NotImp, []);
        lock (_queries)
        {
            _queries.Add(new DnsQueryLogEntry(query.NormalizedName, type, transport, query.EdnsPayloadSize is not null, lookup.Code));
        }

        if (lookup.Code is not { } code)
        {
            return null;
        }

        int? udpLimit = transport == DnsTransport.Udp ? query.EdnsPayloadSize ?? 512 : null;
        return DnsResponseWriter.Write(query, code, lookup.Answers, (uint)Interlocked.Read(ref _ttlSeconds), udpLimit);
    }
}
