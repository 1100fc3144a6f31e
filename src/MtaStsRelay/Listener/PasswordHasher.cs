using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MtaStsRelay.Listener;

/// <summary>
/// Password hashes for <c>Relay:Auth:Users</c>: PBKDF2-HMAC-SHA256 with a random 16-byte salt, written
/// as <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c> so the config never
/// holds a password, and the cost can be raised later without breaking old hashes.
/// </summary>
public static class PasswordHasher
{
    /// <summary>The scheme prefix.</summary>
    public const string Scheme = "pbkdf2-sha256";

    /// <summary>Iterations for new hashes (OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256).</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>The fewest iterations a configured hash may use; fewer are refused at start.</summary>
    public const int MinimumIterations = 100_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A new hash of <paramref name="password"/> with a fresh salt.</summary>
    public static string Hash(string password) => Hash(password, DefaultIterations);

    /// <summary>A new hash with the given cost (tests use <see cref="MinimumIterations"/> to stay fast).</summary>
    public static string Hash(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// True when <paramref name="password"/> matches <paramref name="encodedHash"/>. The comparison
    /// takes the same time wherever the first difference is; a malformed hash never matches.
    /// </summary>
    public static bool Verify(string password, string encodedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryDecode(encodedHash, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Derive(password, salt, iterations, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Splits an encoded hash into its parts; false when it is not in our format.</summary>
    internal static bool TryDecode(string? encodedHash, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = encodedHash?.Split('$');
        if (parts is not [Scheme, var cost, var saltText, var hashText]
            || !int.TryParse(cost, NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations < 1)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(saltText);
            hash = Convert.FromBase64String(hashText);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= 8 && hash.Length >= 16;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);
}
