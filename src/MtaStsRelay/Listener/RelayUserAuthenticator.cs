using Microsoft.Extensions.Logging;
using MtaStsRelay.Diagnostics;
using SmtpServer;
using SmtpServer.Authentication;

namespace MtaStsRelay.Listener;

/// <summary>
/// Checks AUTH PLAIN/LOGIN against <c>Relay:Auth:Users</c>. Always registered, even with no users:
/// SmtpServer otherwise falls back to <c>UserAuthenticator.Default</c>, which accepts any name and
/// password, and its state machine accepts AUTH on every TLS session (libraries.md §1).
/// </summary>
internal sealed class RelayUserAuthenticator : IUserAuthenticator
{
    private readonly Dictionary<string, string> hashes;
    private readonly string decoyHash;
    private readonly ILogger logger;
    private readonly RelayMetrics? metrics;

    public RelayUserAuthenticator(IEnumerable<RelayUserOptions> users, ILogger logger, RelayMetrics? metrics = null)
    {
        hashes = users.ToDictionary(u => u.UserName, u => u.PasswordHash, StringComparer.Ordinal);
        this.logger = logger;
        this.metrics = metrics;

        // An unknown user is checked against a decoy of the same cost, so the reply time does not
        // tell which user names exist.
        var cost = hashes.Values.Select(h => PasswordHasher.TryDecode(h, out var n, out _, out _) ? n : 0).DefaultIfEmpty(1).Max();
        decoyHash = PasswordHasher.Hash(Guid.NewGuid().ToString(), cost);
    }

    public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        var client = SessionInfo.ClientText(context);

        // Credentials only over TLS, whatever SmtpServer's state machine would allow.
        var known = hashes.TryGetValue(user ?? "", out var hash);
        var matches = PasswordHasher.Verify(password ?? "", known ? hash! : decoyHash);
        var accepted = known && matches && context.Pipe.IsSecure;

        if (accepted)
        {
            logger.Authenticated(LogText.Bounded(user), client);
        }
        else
        {
            logger.AuthenticationFailed(LogText.Bounded(user), client);
            metrics?.Refused(RefusalReason.AuthFailed);
        }

        return Task.FromResult(accepted);
    }
}
