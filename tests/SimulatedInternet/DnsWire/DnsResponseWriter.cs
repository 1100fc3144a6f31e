namespace SimulatedInternet.DnsWire;

/// <summary>
/// Builds responses (RFC 1035 §4.1) without name compression: AA set, RD echoed, the question echoed with
/// its original case, and an OPT record echoed when the query had one (RFC 6891 §7). Over UDP an answer
/// that does not fit the client's size (512 without EDNS) is replaced by an empty TC=1 response so the
/// client retries over TCP (RFC 1035 §4.2.1, RFC 7766 §5).
/// </summary>
internal static class DnsResponseWriter
{
    private const ushort InClass = 1;
    private const int OurEdnsPayloadSize = 1232;

    public static byte[] Write(DnsQuery query, DnsRcode code, IReadOnlyList<DnsAnswer> answers, uint ttl, int? udpLimit)
    {
        var full = Build(query, code, answers, ttl, truncated: false);
        if (udpLimit is { } limit && full.Length > limit)
        {
            return Build(query, code, [], ttl, truncated: true);
        }

        return full;
    }

    /// <summary>A header-only FORMERR/NOTIMP answer for a query whose question could not be used.</summary>
    public static byte[] WriteHeaderOnly(ushort id, DnsRcode code)
    {
        var writer = new DnsMessageWriter();
        writer.WriteUInt16(id);
        writer.WriteUInt16(0x8000 | 0x0400 | (int)code);
        for (var i = 0; i < 4; i++)
        {
            writer.WriteUInt16(0);
        }

        return writer.ToArray();
    }

    private static byte[] Build(DnsQuery query, DnsRcode code, IReadOnlyList<DnsAnswer> answers, uint ttl, bool truncated)
    {
        var writer = new DnsMessageWriter();
        var flags = 0x8000 | (query.Opcode << 11) | 0x0400 | (truncated ? 0x0200 : 0)
            | (query.RecursionDesired ? 0x0100 : 0) | (int)code;
        writer.WriteUInt16(query.Id);
        writer.WriteUInt16(flags);
        writer.WriteUInt16(1);
        writer.WriteUInt16(answers.Count);
        writer.WriteUInt16(0);
        writer.WriteUInt16(query.EdnsPayloadSize is null ? 0 : 1);
        DnsName.Write(writer, query.Name);
        writer.WriteUInt16(query.Type);
        writer.WriteUInt16(query.Class);
        foreach (var answer in answers)
        {
            DnsName.Write(writer, answer.Owner);
            writer.WriteUInt16((int)answer.Record.Type);
            writer.WriteUInt16(InClass);
            writer.WriteUInt32(ttl);
            writer.WriteUInt16(answer.Record.Data.Length);
            writer.WriteBytes(answer.Record.Data);
        }

        if (query.EdnsPayloadSize is not null)
        {
            writer.WriteByte(0); // root owner
            writer.WriteUInt16((int)DnsRecordType.Opt);
            writer.WriteUInt16(OurEdnsPayloadSize);
            writer.WriteUInt32(0); // extended RCODE 0, version 0, no flags
            writer.WriteUInt16(0);
        }

        return writer.ToArray();
    }
}
