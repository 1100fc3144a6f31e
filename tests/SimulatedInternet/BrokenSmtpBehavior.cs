namespace SimulatedInternet;

/// <summary>How a <see cref="BrokenSmtpServer"/> misbehaves on every connection.</summary>
public enum BrokenSmtpBehavior
{
    /// <summary>Accept the connection, then reset it at once (RST, no greeting).</summary>
    ResetOnConnect,

    /// <summary>Accept the connection and never send a greeting (until disposed).</summary>
    SilentAfterConnect,

    /// <summary>Send a proper 220 greeting, then never answer anything (until disposed).</summary>
    StallAfterGreeting,

    /// <summary>Send bytes that are not an SMTP reply instead of the greeting.</summary>
    GarbageGreeting,

    /// <summary>Send a proper 220 greeting, then answer EHLO/HELO with bytes that are not an SMTP reply.</summary>
    GarbageEhloReply,
}
