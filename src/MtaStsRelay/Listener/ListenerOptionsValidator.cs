using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace MtaStsRelay.Listener;

/// <summary>
/// Checks <see cref="ListenerOptions"/> at start, so a bad setting stops the relay with a message
/// that names the key, instead of failing at the first connection.
/// </summary>
internal sealed class ListenerOptionsValidator : IValidateOptions<ListenerOptions>
{
    private const string Root = ListenerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ListenerOptions options)
    {
        var failures = new List<string>();
        ValidateHostName(options.HostName, failures);
        for (var i = 0; i < options.Listen.Count; i++)
        {
            ValidateEndpoint($"{Root}:Listen:{i}", options.Listen[i], failures);
        }

        ValidateNetworks(options.AllowedNetworks, failures);
        ValidateUsers(options, failures);
        ValidateLimits(options.Limits, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateNetworks(List<string> networks, List<string> failures)
    {
        for (var i = 0; i < networks.Count; i++)
        {
            var key = $"{Root}:AllowedNetworks:{i}";
            if (!AllowedNetworks.TryParse(networks[i], out var network))
            {
                failures.Add($"{key}: '{networks[i]}' is not a CIDR network (write 192.0.2.7/32 for a single address)");
            }
            else if (AllowedNetworks.IsTooWide(network))
            {
                failures.Add($"{key}: '{networks[i]}' would make an open relay; allow at most an IPv4 /{AllowedNetworks.MinIPv4Prefix} "
                    + $"or an IPv6 /{AllowedNetworks.MinIPv6Prefix} (not covering ::ffff:0:0/96), and use Relay:Auth:Users for senders elsewhere");
            }
        }
    }

    private static void ValidateHostName(string? hostName, List<string> failures)
    {
        // It goes into the greeting and the Received header, so it must be a plain DNS name.
        if (string.IsNullOrWhiteSpace(hostName) || hostName.Length > 253
            || !hostName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            failures.Add($"{Root}:HostName: '{hostName}' is not a host name (letters, digits, '-', '.')");
        }
    }

    private static void ValidateEndpoint(string key, ListenEndpointOptions endpoint, List<string> failures)
    {
        if (!IPAddress.TryParse(endpoint.Address, out _))
        {
            failures.Add($"{key}:Address: '{endpoint.Address}' is not an IP address");
        }

        if (endpoint.Port is < 0 or > 65535)
        {
            failures.Add($"{key}:Port must be 1-65535");
        }

        if (string.IsNullOrEmpty(endpoint.CertificatePath))
        {
            if (!string.IsNullOrEmpty(endpoint.KeyPath))
            {
                failures.Add($"{key}:KeyPath is set but {key}:CertificatePath is not");
            }

            if (endpoint.RequireTls)
            {
                failures.Add($"{key}:RequireTls needs a certificate in {key}:CertificatePath");
            }

            return;
        }

        ValidateCertificate(key, endpoint, failures);
    }

    private static void ValidateCertificate(string key, ListenEndpointOptions endpoint, List<string> failures)
    {
        if (!File.Exists(endpoint.CertificatePath))
        {
            failures.Add($"{key}:CertificatePath: file '{endpoint.CertificatePath}' does not exist");
            return;
        }

        if (!string.IsNullOrEmpty(endpoint.KeyPath) && !File.Exists(endpoint.KeyPath))
        {
            failures.Add($"{key}:KeyPath: file '{endpoint.KeyPath}' does not exist");
            return;
        }

        try
        {
            using var certificate = ServerCertificateLoader.Load(endpoint);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
        {
            failures.Add($"{key}:CertificatePath: cannot load '{endpoint.CertificatePath}': {exception.Message}");
        }
    }

    private static void ValidateUsers(ListenerOptions options, List<string> failures)
    {
        var users = options.Auth.Users;
        var firstIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < users.Count; i++)
        {
            var key = $"{Root}:Auth:Users:{i}";
            if (string.IsNullOrWhiteSpace(users[i].UserName))
            {
                failures.Add($"{key}:UserName must not be empty");
            }
            else if (!firstIndex.TryAdd(users[i].UserName, i))
            {
                // Two entries with one name: which password would count? Names differing only in
                // case are refused too, since they are easily mistaken for each other.
                failures.Add($"{key}:UserName: '{users[i].UserName}' is already {Root}:Auth:Users:{firstIndex[users[i].UserName]}:UserName (names must differ in more than case)");
            }

            if (!PasswordHasher.TryDecode(users[i].PasswordHash, out var iterations, out _, out _))
            {
                failures.Add($"{key}:PasswordHash is not a '{PasswordHasher.Scheme}$<iterations>$<salt>$<hash>' hash; plain-text passwords are not accepted");
            }
            else if (iterations < PasswordHasher.MinimumIterations)
            {
                failures.Add($"{key}:PasswordHash uses {iterations} iterations; at least {PasswordHasher.MinimumIterations} are required");
            }
        }

        if (users.Count > 0 && options.Listen.TrueForAll(e => string.IsNullOrEmpty(e.CertificatePath)))
        {
            failures.Add($"{Root}:Auth:Users is set but no {Root}:Listen endpoint has a CertificatePath; AUTH is only offered over TLS");
        }
    }

    private static void ValidateLimits(ListenerLimits limits, List<string> failures)
    {
        const string key = $"{Root}:Limits";
        CheckRange(failures, $"{key}:MaxMessageSize", limits.MaxMessageSize, ListenerLimits.MaxMessageSizeCeiling, "1 GiB (1073741824 bytes)");
        CheckRange(failures, $"{key}:MaxRecipients", limits.MaxRecipients, ListenerLimits.MaxRecipientsCeiling, "100000");
        CheckRange(failures, $"{key}:MaxSessions", limits.MaxSessions, ListenerLimits.MaxSessionsCeiling, "10000");
        CheckRange(failures, $"{key}:CommandTimeout", limits.CommandTimeout, ListenerLimits.CommandTimeoutCeiling, "01:00:00");
        CheckRange(failures, $"{key}:SessionTimeout", limits.SessionTimeout, ListenerLimits.SessionTimeoutCeiling, "1.00:00:00");
    }

    /// <summary>
    /// Positive and at most <paramref name="ceiling"/>. The ceilings catch slips such as a bare
    /// "300" for a timeout, which binds to 300 days and fails at run time (a timer cannot wait more
    /// than ~49 days).
    /// </summary>
    private static void CheckRange<T>(List<string> failures, string key, T value, T ceiling, string ceilingText)
        where T : IComparable<T>
    {
        if (value.CompareTo(default!) <= 0)
        {
            failures.Add($"{key} must be positive");
        }
        else if (value.CompareTo(ceiling) > 0)
        {
            failures.Add($"{key} must be at most {ceilingText}, not {value}");
        }
    }
}
