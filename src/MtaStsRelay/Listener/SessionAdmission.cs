namespace MtaStsRelay.Listener;

/// <summary>What the accept loop needs to decide, before any SMTP, who gets a session.</summary>
/// <param name="Networks">Relay:AllowedNetworks.</param>
/// <param name="OutsidersMayAuth">
/// Whether Relay:Auth:Users is set: only then can a client outside the networks ever relay, so only
/// then does it get a session (to say AUTH) rather than a 554 greeting.
/// </param>
/// <param name="MaxSessions">Relay:Limits:MaxSessions.</param>
/// <param name="HostName">Relay:HostName, for the 554 greeting.</param>
/// <param name="HandshakeTimeout">The longest a STARTTLS handshake may take (Relay:Limits:CommandTimeout).</param>
/// <param name="Time">The clock of the handshake deadline.</param>
internal sealed record SessionAdmission(
    AllowedNetworks Networks,
    bool OutsidersMayAuth,
    int MaxSessions,
    string HostName,
    TimeSpan HandshakeTimeout,
    TimeProvider Time);
