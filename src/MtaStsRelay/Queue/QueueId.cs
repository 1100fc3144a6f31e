using System.Security.Cryptography;

namespace MtaStsRelay.Queue;

/// <summary>
/// Queue ids: 16 characters of Crockford base32 (digits and upper-case letters without I, L, O, U),
/// so they are safe as file names on case-insensitive file systems and easy to read out and grep.
/// </summary>
/// <remarks>
/// The first 10 characters are the arrival time in milliseconds since 1970 (50 bits, enough until
/// the year 37648); the last 6 are a 30-bit sequence that starts at a random value for each new
/// millisecond and counts up within it. Ids therefore sort by arrival (ordinal string order), stay
/// unique within this process even when the clock stands still or steps back (a fake clock in
/// tests, an NTP step), and two processes sharing a spool by mistake would still only collide
/// with probability 2^-29 per millisecond; the spool refuses to overwrite an existing id anyway.
/// </remarks>
public static class QueueId
{
    /// <summary>The length of every queue id.</summary>
    public const int Length = 16;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int TimeChars = 10;
    private const long SequenceLimit = 1L << 30;

    private static readonly Lock Gate = new();
    private static long lastMilliseconds = -1;
    private static long sequence;

    /// <summary>A new id for a message arriving at <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now)
    {
        long milliseconds;
        long next;
        lock (Gate)
        {
            milliseconds = Math.Max(now.ToUnixTimeMilliseconds(), 0);
            if (milliseconds <= lastMilliseconds)
            {
                // Same millisecond (or the clock went back): keep counting from the last id.
                milliseconds = lastMilliseconds;
                if (++sequence >= SequenceLimit)
                {
                    milliseconds++;
                    sequence = RandomStart();
                }
            }
            else
            {
                sequence = RandomStart();
            }

            lastMilliseconds = milliseconds;
            next = sequence;
        }

        return string.Create(Length, (milliseconds, next), static (chars, state) =>
        {
            Encode(state.milliseconds, chars[..TimeChars]);
            Encode(state.next, chars[TimeChars..]);
        });
    }

    /// <summary>
    /// True when <paramref name="value"/> has the shape of a queue id. Used before an id becomes
    /// part of a path, so an operator command cannot reach outside the spool.
    /// </summary>
    public static bool IsValid(string? value) =>
        value is { Length: Length } && value.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    // The lower half of the range, so a busy millisecond has at least 2^29 ids left to count up.
    private static long RandomStart() => RandomNumberGenerator.GetInt32(1 << 29);

    private static void Encode(long value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
    }
}
