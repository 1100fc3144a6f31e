using Microsoft.Extensions.Logging;
using MtaStsRelay.Diagnostics;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;

namespace MtaStsRelay.Listener;

/// <summary>
/// Checks AUTH PLAIN/LOGIN against <c>Relay:Auth:Users</c>. Always registered, even with no users:
/// SmtpServer otherwise falls back to <c>UserAuthenticator.Default</c>, which accepts any name and
/// password, and its state machine accepts AUTH on every TLS session (libraries.md §1).
/// </summary>
/// <remarks>
/// A password check is deliberately slow (PBKDF2), so it is rationed: at most
/// <see cref="AuthGate.Size"/> at once, none for a client in <see cref="AuthFailureBackoff"/>. Both
/// answer <c>454 4.7.0</c> (RFC 4954 §6), thrown so SmtpServer sends it as is: returning false would
/// give 535 and count against the session's attempts, telling a correct client its password is wrong.
/// </remarks>
internal sealed class RelayUserAuthenticator : IUserAuthenticator
{
    private readonly Dictionary<string, string> hashes;
    private readonly string decoyHash;
    private readonly AuthGate gate;
    private readonly AuthFailureBackoff backoff;
    private readonly ILogger logger;
    private readonly RelayMetrics? metrics;

    public RelayUserAuthenticator(IEnumerable<RelayUserOptions> users, AuthGate gate, AuthFailureBackoff backoff, ILogger logger, RelayMetrics? metrics = null)
    {
        hashes = users.ToDictionary(u => u.UserName, u => u.PasswordHash, StringComparer.Ordinal);
        this.gate = gate;
        this.backoff = backoff;
        this.logger = logger;
        this.metrics = metrics;

        // An unknown user is checked against a decoy of the same cost, so the reply time does not
        // tell which user names exist.
        var cost = hashes.Values.Select(h => PasswordHasher.TryDecode(h, out var n, out _, out _) ? n : 0).DefaultIfEmpty(1).Max();
        decoyHash = PasswordHasher.Hash(Guid.NewGuid().ToString(), cost);
    }

    public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        var address = SessionInfo.ClientAddress(context);
        var client = SessionInfo.ClientText(context);
        if (backoff.IsLocked(address))
        {
            logger.AuthLockedOut(LogText.Bounded(user), client);
            throw TryLater();
        }

        bool accepted;
        using (var slot = gate.TryEnter())
        {
            if (slot is null)
            {
                logger.AuthBusy(LogText.Bounded(user), client, gate.Size);
                throw TryLater();
            }

            accepted = Verify(context, user, password);
        }

        if (accepted)
        {
            backoff.RecordSuccess(address);
            logger.Authenticated(LogText.Bounded(user), client);
        }
        else
        {
            logger.AuthenticationFailed(LogText.Bounded(user), client);
            if (backoff.RecordFailure(address))
            {
                logger.AuthLockStarted(client, AuthFailureBackoff.LockTime, AuthFailureBackoff.MaxFailures, AuthFailureBackoff.Window);
            }

            metrics?.Refused(RefusalReason.AuthFailed);
        }

        return Task.FromResult(accepted);
    }

    private bool Verify(ISessionContext context, string? user, string? password)
    {
        // Credentials only over TLS, whatever SmtpServer's state machine would allow.
        var known = hashes.TryGetValue(user ?? "", out var hash);
        var matches = PasswordHasher.Verify(password ?? "", known ? hash! : decoyHash);
        return known && matches && context.Pipe.IsSecure;
    }

    private static SmtpResponseException TryLater() =>
        new(new SmtpResponse((SmtpReplyCode)454, "4.7.0 Temporary authentication failure, try again later"));
}
