using System.Buffers.Binary;
using System.Text;

namespace SimulatedInternet.DnsWire;

/// <summary>What to do with an incoming datagram or TCP message.</summary>
internal enum DnsParseStatus
{
    /// <summary>Too short for a header, or a response: drop it silently.</summary>
    Ignore,

    /// <summary>Header readable, rest malformed: answer FORMERR.</summary>
    FormatError,
    Ok,
}

/// <summary>
/// Reads a DNS query (RFC 1035 §4.1) defensively: every length is bounds-checked, compression pointers
/// are followed with a hop limit, and anything odd becomes <see cref="DnsParseStatus.FormatError"/>
/// instead of an exception, so a malformed packet cannot take the server down.
/// </summary>
internal static class DnsQueryParser
{
    private const int HeaderLength = 12;
    private const ushort OptType = 41;

    public static DnsParseStatus Parse(ReadOnlySpan<byte> message, out ushort id, out DnsQuery? query)
    {
        query = null;
        id = 0;
        if (message.Length < HeaderLength)
        {
            return DnsParseStatus.Ignore;
        }

        id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) != 0)
        {
            return DnsParseStatus.Ignore;
        }

        try
        {
            query = ReadQuery(message, id, flags);
            return query is null ? DnsParseStatus.FormatError : DnsParseStatus.Ok;
        }
        catch (InvalidDataException)
        {
            return DnsParseStatus.FormatError;
        }
    }

    private static DnsQuery? ReadQuery(ReadOnlySpan<byte> message, ushort id, ushort flags)
    {
        var questions = ReadUInt16(message, 4);
        if (questions != 1)
        {
            return null;
        }

        var otherRecords = ReadUInt16(message, 6) + ReadUInt16(message, 8);
        var additional = ReadUInt16(message, 10);
        var offset = HeaderLength;
        var name = ReadName(message, ref offset);
        var type = ReadUInt16(message, offset);
        var @class = ReadUInt16(message, offset + 2);
        offset += 4;
        int? edns = null;
        for (var i = 0; i < otherRecords + additional; i++)
        {
            var (recordType, recordClass) = SkipRecord(message, ref offset);
            if (i >= otherRecords && recordType == OptType)
            {
                // RFC 6891 §6.2.5: values below 512 are treated as 512.
                edns = Math.Max(512, (int)recordClass);
            }
        }

        return new DnsQuery(id, (flags >> 11) & 0xF, (flags & 0x0100) != 0, name, type, @class, edns);
    }

    private static (ushort Type, ushort Class) SkipRecord(ReadOnlySpan<byte> message, ref int offset)
    {
        ReadName(message, ref offset);
        var type = ReadUInt16(message, offset);
        var @class = ReadUInt16(message, offset + 2);
        var dataLength = ReadUInt16(message, offset + 8);
        offset += 10 + dataLength;
        if (offset > message.Length)
        {
            throw new InvalidDataException("record data past the end of the message");
        }

        return (type, @class);
    }

    private static string ReadName(ReadOnlySpan<byte> message, ref int offset)
    {
        var name = new StringBuilder();
        var position = offset;
        var jumps = 0;
        var jumped = false;
        while (true)
        {
            var length = ReadByte(message, position);
            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                return name.ToString();
            }

            if ((length & 0xC0) == 0xC0)
            {
                // RFC 1035 §4.1.4 compression pointer; the hop limit stops pointer loops.
                var target = ((length & 0x3F) << 8) | ReadByte(message, position + 1);
                if (!jumped)
                {
                    offset = position + 2;
                }

                jumped = true;
                position = ++jumps <= 16 ? target : throw new InvalidDataException("compression loop");
                continue;
            }

            if ((length & 0xC0) != 0 || position + 1 + length > message.Length || name.Length + length + 1 > 255)
            {
                throw new InvalidDataException("bad label");
            }

            name.Append(Encoding.Latin1.GetString(message.Slice(position + 1, length))).Append('.');
            position += 1 + length;
        }
    }

    private static byte ReadByte(ReadOnlySpan<byte> message, int offset) =>
        offset < message.Length ? message[offset] : throw new InvalidDataException("truncated");

    private static ushort ReadUInt16(ReadOnlySpan<byte> message, int offset) =>
        offset + 2 <= message.Length
            ? BinaryPrimitives.ReadUInt16BigEndian(message[offset..])
            : throw new InvalidDataException("truncated");
}
