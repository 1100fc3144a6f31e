using System.Diagnostics;
using MailKit;

namespace LoadGenerator;

/// <summary>
/// Times the relay's answer to the end of DATA through MailKit's protocol logger: from the last
/// bytes the client wrote (the message data ending in ".") to the server's "250 … queued as" reply.
/// That interval is the listener's own work — SaveAsync, the spool's writes and fsyncs — plus one
/// loopback round trip, without MailKit's serialisation or the MAIL/RCPT exchange.
/// </summary>
internal sealed class AcceptTimer : IProtocolLogger
{
    private static readonly byte[] Queued = "queued as"u8.ToArray();
    private long _lastClientWrite;

    /// <summary>Stopwatch ticks of the last DATA-end-to-250 interval seen; 0 until one is seen.</summary>
    public long LastAcceptTicks { get; private set; }

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>Forgets the last interval, before a new transaction.</summary>
    public void Reset() => LastAcceptTicks = 0;

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count) => _lastClientWrite = Stopwatch.GetTimestamp();

    public void LogServer(byte[] buffer, int offset, int count)
    {
        var now = Stopwatch.GetTimestamp();
        if (buffer.AsSpan(offset, count).IndexOf(Queued) >= 0)
        {
            LastAcceptTicks = now - _lastClientWrite;
        }
    }

    public void Dispose()
    {
    }
}
