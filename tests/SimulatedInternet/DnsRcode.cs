namespace SimulatedInternet;

/// <summary>DNS RCODEs (RFC 1035 §4.1.1) that a test can force for a name with <see cref="DnsTestServer.SetResponseCode"/>.</summary>
public enum DnsRcode : byte
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NXDomain = 3,
    NotImp = 4,
    Refused = 5,
}
