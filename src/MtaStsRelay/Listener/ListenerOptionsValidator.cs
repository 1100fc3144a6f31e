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

        for (var i = 0; i < options.AllowedNetworks.Count; i++)
        {
            if (!AllowedNetworks.TryParse(options.AllowedNetworks[i], out _))
            {
                failures.Add($"{Root}:AllowedNetworks:{i}: '{options.AllowedNetworks[i]}' is not a CIDR network (write 192.0.2.7/32 for a single address)");
            }
        }

        ValidateUsers(options, failures);
        ValidateLimits(options.Limits, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
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
        for (var i = 0; i < users.Count; i++)
        {
            var key = $"{Root}:Auth:Users:{i}";
            if (string.IsNullOrWhiteSpace(users[i].UserName))
            {
                failures.Add($"{key}:UserName must not be empty");
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
        if (limits.MaxMessageSize <= 0)
        {
            failures.Add($"{key}:MaxMessageSize must be positive");
        }

        if (limits.MaxRecipients <= 0)
        {
            failures.Add($"{key}:MaxRecipients must be positive");
        }

        if (limits.MaxSessions <= 0)
        {
            failures.Add($"{key}:MaxSessions must be positive");
        }

        if (limits.CommandTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{key}:CommandTimeout must be positive");
        }

        if (limits.SessionTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{key}:SessionTimeout must be positive");
        }
    }
}
