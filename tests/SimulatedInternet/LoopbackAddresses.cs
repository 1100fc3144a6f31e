using System.Net;
using System.Security.Cryptography;

namespace SimulatedInternet;

/// <summary>
/// Hands out distinct addresses from 127.0.0.0/8, which Linux routes entirely to the loopback interface,
/// so that many simulated MX hosts can listen on the SAME port (the relay has one outbound SMTP port)
/// without any network setup. The sequence starts at a random point so parallel test processes rarely
/// meet; 127.0.x.x (127.0.0.1, Debian's 127.0.1.1) and .0/.255 hosts are skipped.
/// </summary>
public static class LoopbackAddresses
{
    private static int _next = RandomNumberGenerator.GetInt32(0, 1 << 24);

    /// <summary>The next unused 127.a.b.c address of this process.</summary>
    public static IPAddress Next()
    {
        while (true)
        {
            var n = Interlocked.Increment(ref _next) & 0xFFFFFF;
            var (a, b, c) = ((byte)(n >> 16), (byte)(n >> 8), (byte)n);
            if (a != 0 && c is not (0 or 255))
            {
                return new IPAddress([127, a, b, c]);
            }
        }
    }
}
