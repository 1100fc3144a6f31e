namespace MtaStsRelay.Listener;

/// <summary>
/// Who may hand mail to the relay, and on which addresses. Bound from the <c>Relay</c> section root
/// (other keys there belong to other stages and are ignored here).
/// </summary>
public sealed class ListenerOptions
{
    /// <summary>The configuration section this class is bound from.</summary>
    public const string SectionName = "Relay";

    /// <summary>The networks allowed by default: this machine only.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedNetworks = ["127.0.0.0/8", "::1/128"];

    /// <summary>The relay's own name, in the greeting, the EHLO reply and the Received header. Set it to the machine's FQDN.</summary>
    public string HostName { get; set; } = Environment.MachineName;

    /// <summary>
    /// The endpoints to listen on. Empty means one endpoint with its defaults (127.0.0.1:2525): the
    /// configuration binder appends to a pre-filled list, so defaults are applied after binding.
    /// </summary>
    public List<ListenEndpointOptions> Listen { get; set; } = [];

    /// <summary>
    /// Client networks (CIDR, IPv4 or IPv6) that may relay without authentication. Empty means
    /// <see cref="DefaultAllowedNetworks"/>. An IPv4 client on an IPv6 socket (::ffff:a.b.c.d)
    /// matches the IPv4 networks.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Users who may relay from anywhere after AUTH over TLS.</summary>
    public RelayAuthOptions Auth { get; set; } = new();

    /// <summary>Limits per message and per session.</summary>
    public ListenerLimits Limits { get; set; } = new();

    /// <summary>Fills in the list defaults (see <see cref="Listen"/>).</summary>
    internal static void ApplyDefaults(ListenerOptions options)
    {
        if (options.Listen.Count == 0)
        {
            options.Listen = [new ListenEndpointOptions()];
        }

        if (options.AllowedNetworks.Count == 0)
        {
            options.AllowedNetworks = [.. DefaultAllowedNetworks];
        }
    }
}

/// <summary>One address and port to listen on (<c>Relay:Listen:N</c>).</summary>
public sealed class ListenEndpointOptions
{
    /// <summary>The local IP address; "0.0.0.0" or "::" for all.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 lets the system choose (tests).</summary>
    public int Port { get; set; } = 2525;

    /// <summary>The certificate for STARTTLS: a PFX/PKCS#12 file, or a PEM file (with the key in it or in <see cref="KeyPath"/>). None: no STARTTLS.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key, when <see cref="CertificatePath"/> is a PEM certificate without its key.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of the PFX file or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Refuse MAIL until the client has done STARTTLS (530 5.7.0).</summary>
    public bool RequireTls { get; set; }
}

/// <summary>SMTP AUTH (<c>Relay:Auth</c>).</summary>
public sealed class RelayAuthOptions
{
    /// <summary>The users; none means AUTH is never offered and never succeeds.</summary>
    public List<RelayUserOptions> Users { get; set; } = [];
}

/// <summary>One user (<c>Relay:Auth:Users:N</c>).</summary>
public sealed class RelayUserOptions
{
    /// <summary>The user name, compared exactly (case-sensitive); two users may not differ only in case.</summary>
    public string UserName { get; set; } = "";

    /// <summary>
    /// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c>, from
    /// <see cref="PasswordHasher.Hash(string)"/>. Plain-text passwords are refused at start.
    /// </summary>
    public string PasswordHash { get; set; } = "";
}

/// <summary>Limits (<c>Relay:Limits</c>).</summary>
public sealed class ListenerLimits
{
    /// <summary>The largest <see cref="MaxMessageSize"/> accepted: a message is held in memory while it is received.</summary>
    internal const int MaxMessageSizeCeiling = 1 << 30;

    /// <summary>The largest <see cref="MaxRecipients"/> accepted.</summary>
    internal const int MaxRecipientsCeiling = 100_000;

    /// <summary>The largest <see cref="MaxSessions"/> accepted.</summary>
    internal const int MaxSessionsCeiling = 10_000;

    /// <summary>The longest <see cref="CommandTimeout"/> accepted.</summary>
    internal static readonly TimeSpan CommandTimeoutCeiling = TimeSpan.FromHours(1);

    /// <summary>The longest <see cref="SessionTimeout"/> accepted.</summary>
    internal static readonly TimeSpan SessionTimeoutCeiling = TimeSpan.FromDays(1);

    /// <summary>The largest message accepted, in bytes (35 MiB, Exchange Online's limit). Enforced on the bytes received, not only on SIZE=.</summary>
    public int MaxMessageSize { get; set; } = 36_700_160;

    /// <summary>Recipients per message; more get 452 4.5.3 and the client sends them in another transaction (RFC 5321 §4.5.3.1.10).</summary>
    public int MaxRecipients { get; set; } = 500;

    /// <summary>Concurrent connections over all endpoints; the next one gets 421 4.7.0.</summary>
    public int MaxSessions { get; set; } = 100;

    /// <summary>
    /// How long to wait for each command line (RFC 5321 §4.5.3.2.7 suggests 5 minutes), and for a
    /// STARTTLS handshake to finish.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The longest a connection may last in total, DATA included. SmtpServer's default (2 minutes)
    /// would cut off a slow large message, so it is raised here.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
