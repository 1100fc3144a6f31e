namespace SimulatedInternet.DnsWire;

/// <summary>
/// The parts of a query the responder needs. <see cref="Name"/> is as received (case kept, for the
/// echoed question); <see cref="EdnsPayloadSize"/> is set when an OPT record was present (RFC 6891 §6.2.3).
/// </summary>
internal sealed record DnsQuery(
    ushort Id,
    int Opcode,
    bool RecursionDesired,
    string Name,
    ushort Type,
    ushort Class,
    int? EdnsPayloadSize)
{
    public string NormalizedName => DnsName.AsciiLower(Name.TrimEnd('.'));
}
