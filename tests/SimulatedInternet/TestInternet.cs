using System.Net;
using System.Net.Sockets;

namespace SimulatedInternet;

/// <summary>
/// The whole simulated internet for one test: a private CA, a DNS server, one HTTPS host for every
/// policy host, and MX servers created on demand. Each MX host gets its own 127.a.b.c address
/// (<see cref="LoopbackAddresses"/>) and all of them listen on <see cref="SmtpPort"/>, so the relay under
/// test needs one DNS server (<see cref="DnsAddress"/>), one SMTP port and one HTTPS port override
/// (<see cref="HttpsPort"/>), and trusts <see cref="WriteRootPem"/>'s file. Instances are independent.
/// </summary>
public sealed class TestInternet : IAsyncDisposable
{
    private const int BindAttempts = 20;
    private readonly List<IAsyncDisposable> _servers = [];
    private readonly List<TestMxServer> _mxServers = [];
    private int _disposed;

    private TestInternet(TestCertificateAuthority authority, DnsTestServer dns, PolicyHttpsHost https, int smtpPort)
    {
        Authority = authority;
        Dns = dns;
        Https = https;
        SmtpPort = smtpPort;
    }

    /// <summary>The private root CA behind every valid certificate.</summary>
    public TestCertificateAuthority Authority { get; }

    /// <summary>The authoritative DNS server; use it directly for anything the helpers don't cover.</summary>
    public DnsTestServer Dns { get; }

    /// <summary>The HTTPS host serving every mta-sts.&lt;domain&gt; on 127.0.0.1.</summary>
    public PolicyHttpsHost Https { get; }

    /// <summary>"127.0.0.1:port" of <see cref="Dns"/>.</summary>
    public string DnsAddress => Dns.Address;

    /// <summary>The port of <see cref="Https"/> (the policy fetcher's port override).</summary>
    public int HttpsPort => Https.Port;

    /// <summary>The one port every MX host of this instance listens on (the relay's outbound SMTP port).</summary>
    public int SmtpPort { get; }

    /// <summary>The MX servers created so far.</summary>
    public IReadOnlyList<TestMxServer> MxServers
    {
        get
        {
            lock (_servers)
            {
                return [.. _mxServers];
            }
        }
    }

    /// <summary>Starts the CA, DNS server and HTTPS host and picks <see cref="SmtpPort"/>.</summary>
    public static async Task<TestInternet> StartAsync(CancellationToken cancellationToken = default)
    {
        var authority = new TestCertificateAuthority();
        var dns = await DnsTestServer.StartAsync(cancellationToken);
        var https = await PolicyHttpsHost.StartAsync(authority, cancellationToken);
        return new TestInternet(authority, dns, https, ReserveSmtpPort());
    }

    /// <summary>
    /// Publishes an MTA-STS policy (RFC 8461 §3): TXT <c>_mta-sts.domain</c> "v=STSv1; id=…;", A
    /// <c>mta-sts.domain</c> 127.0.0.1, and the body on the HTTPS host. Publishing again replaces both.
    /// </summary>
    public void PublishPolicy(string domain, string id, string policyText) =>
        PublishPolicy(domain, id, PolicyResponse.Ok(policyText));

    /// <summary>Like <see cref="PublishPolicy(string, string, string)"/>, with full control of the HTTPS answer.</summary>
    public void PublishPolicy(string domain, string id, PolicyResponse response)
    {
        PublishPolicyId(domain, id);
        var policyHost = PolicyHost(domain);
        Dns.Remove(policyHost, DnsRecordType.A);
        Dns.AddA(policyHost, IPAddress.Loopback);
        Https.Serve(policyHost, response);
    }

    /// <summary>A new policy id and text, keeping the other scripted details (status, certificate, …) of the HTTPS answer.</summary>
    public void ChangePolicy(string domain, string newId, string policyText)
    {
        var current = Https.GetResponse(PolicyHost(domain)) ?? new PolicyResponse();
        PublishPolicy(domain, newId, current with { Body = policyText, BodyBytes = null });
    }

    /// <summary>Only replaces the TXT record's id (e.g. to make the sender refetch an unchanged body).</summary>
    public void PublishPolicyId(string domain, string id)
    {
        var txtName = $"_mta-sts.{domain}";
        Dns.Remove(txtName, DnsRecordType.Txt);
        Dns.AddTxt(txtName, $"v=STSv1; id={id};");
    }

    /// <summary>Withdraws the policy: TXT record, policy host A record and HTTPS answer.</summary>
    public void RemovePolicy(string domain)
    {
        Dns.Remove($"_mta-sts.{domain}", DnsRecordType.Txt);
        Dns.Remove(PolicyHost(domain), DnsRecordType.A);
        Https.Remove(PolicyHost(domain));
    }

    /// <summary>Starts an MX server for <paramref name="mxName"/> on a fresh loopback address and publishes MX and A records.</summary>
    public Task<TestMxServer> AddMxHostAsync(
        string domain, int preference, string mxName, CertificateKind certificate = CertificateKind.Valid, CancellationToken cancellationToken = default) =>
        AddMxHostAsync(domain, preference, new TestMxServerOptions { MxName = mxName, Certificate = certificate }, cancellationToken);

    /// <summary>As above with full options; their Address and Port are replaced by a fresh address and <see cref="SmtpPort"/>.</summary>
    public async Task<TestMxServer> AddMxHostAsync(string domain, int preference, TestMxServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = await StartOnFreshAddressAsync(
            address => TestMxServer.StartAsync(options with { Address = address, Port = SmtpPort }, Authority, cancellationToken));
        lock (_servers)
        {
            _mxServers.Add(server);
        }

        Publish(domain, preference, options.MxName, server.Address);
        return server;
    }

    /// <summary>Starts a <see cref="BrokenSmtpServer"/> as an MX host of <paramref name="domain"/>.</summary>
    public async Task<BrokenSmtpServer> AddBrokenMxHostAsync(
        string domain, int preference, string mxName, BrokenSmtpBehavior behavior, CancellationToken cancellationToken = default)
    {
        var server = await StartOnFreshAddressAsync(
            address => BrokenSmtpServer.StartAsync(behavior, address, SmtpPort, mxName, cancellationToken));
        Publish(domain, preference, mxName, server.Address);
        return server;
    }

    /// <summary>Publishes an MX host whose fresh address has no listener: connections are refused.</summary>
    public IPAddress AddUnreachableMxHost(string domain, int preference, string mxName)
    {
        var address = LoopbackAddresses.Next();
        Publish(domain, preference, mxName, address);
        return address;
    }

    /// <summary>Writes the root CA as <c>simulated-internet-root.pem</c> into <paramref name="directory"/>; returns the path.</summary>
    public string WriteRootPem(string directory)
    {
        var path = Path.Combine(directory, "simulated-internet-root.pem");
        Authority.WriteRootPem(path);
        return path;
    }

    /// <summary>Stops every server and disposes the CA.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        IAsyncDisposable[] servers;
        lock (_servers)
        {
            servers = [.. _servers];
        }

        await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask()));
        await Https.DisposeAsync();
        await Dns.DisposeAsync();
        Authority.Dispose();
    }

    private static string PolicyHost(string domain) => $"mta-sts.{domain}";

    // Port 0 on a fresh address gives a port that is free there; later MX hosts reuse the number on
    // their own addresses, where it is free too unless another process happens to hold that exact pair.
    private static int ReserveSmtpPort()
    {
        var probe = new TcpListener(LoopbackAddresses.Next(), 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task<T> StartOnFreshAddressAsync<T>(Func<IPAddress, Task<T>> start)
        where T : IAsyncDisposable
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var server = await start(LoopbackAddresses.Next());
                lock (_servers)
                {
                    _servers.Add(server);
                }

                return server;
            }
            catch (SocketException) when (attempt < BindAttempts)
            {
                // That address:port pair is taken (another test process); try the next address.
            }
        }
    }

    private void Publish(string domain, int preference, string mxName, IPAddress address)
    {
        Dns.AddMx(domain, preference, mxName);
        Dns.AddA(mxName, address);
    }
}
