namespace SimulatedInternet;

/// <summary>DNS RR types the test server knows by name (RFC 1035 §3.2.2, RFC 3596, RFC 6698). Other values may be cast.</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    Ns = 2,
    Cname = 5,
    Soa = 6,
    Mx = 15,
    Txt = 16,
    Aaaa = 28,
    Srv = 33,
    Opt = 41,
    Tlsa = 52,
    Any = 255,
}
