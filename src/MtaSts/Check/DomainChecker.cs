using DnsClient;
using MtaSts.Discovery;
using MtaSts.Dns;
using MtaSts.Fetch;
using MtaSts.Policy;

namespace MtaSts.Check;

/// <summary>
/// The diagnostic behind <c>mtasts-relay check</c>: looks at a domain the way a sending MTA does
/// (TXT, fetch, parse, MX match, STARTTLS on every MX) and adds the advice of the online validators
/// (TLS-RPT record, testing mode, short max_age, patterns and MX records that do not meet).
/// It never uses or changes the relay's policy cache.
/// </summary>
public sealed class DomainChecker(
    ILookupClient dns,
    StsTxtDiscovery discovery,
    PolicyFetcher fetcher,
    HostAddressResolver addresses,
    IMxTlsProbe probe,
    int smtpPort = 25)
{
    /// <summary>Addresses probed per MX host at most (the first of each family first).</summary>
    public const int MaxAddressesPerHost = 4;

    /// <summary>Runs every check for <paramref name="domain"/> (already normalised).</summary>
    public async Task<CheckReport> CheckAsync(string domain, CancellationToken cancellationToken)
    {
        var txt = await discovery.DiscoverAsync(domain, cancellationToken);
        var fetch = txt.Status == TxtDiscoveryStatus.DnsError ? null : await fetcher.FetchAsync(domain, cancellationToken);
        var (mxRecords, mxError) = await LookUpMxAsync(domain, cancellationToken);
        var policy = fetch?.Policy;
        var mxChecks = await Task.WhenAll(mxRecords.Select(mx => CheckMxAsync(mx.Host, mx.Preference, policy, cancellationToken)));
        var tlsRpt = await CheckTlsRptAsync(domain, cancellationToken);

        var findings = new CheckFindings();
        findings.AddTxt(txt);
        findings.AddFetch(fetch, txt);
        findings.AddMx(mxChecks, policy, mxRecords.Count == 1 && mxRecords[0].Implicit, mxLookupFailed: mxError is not null);
        if (!tlsRpt.Valid)
        {
            findings.Warnings.Add("TLS-RPT: " + tlsRpt.Problem);
        }

        var lookupError = txt.Status == TxtDiscoveryStatus.DnsError ? txt.Reason : mxError;
        return new CheckReport(domain, txt, fetch, mxChecks, tlsRpt, findings.Warnings, findings.Problems, lookupError);
    }

    private async Task<(IReadOnlyList<(string Host, int Preference, bool Implicit)> Records, string? Error)> LookUpMxAsync(string domain, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await dns.QueryAsync(domain, QueryType.MX, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException e) when (!cancellationToken.IsCancellationRequested)
        {
            return ([], $"MX lookup of {domain} failed: {e.Message}");
        }

        if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
        {
            return ([], $"MX lookup of {domain} failed: {response.Header.ResponseCode}");
        }

        var records = response.Answers.MxRecords()
            .OrderBy(r => r.Preference)
            .Select(r => (Host: r.Exchange.Value.TrimEnd('.').ToLowerInvariant(), Preference: (int)r.Preference, Implicit: false))
            .ToList();
        // RFC 5321 §5.1: no MX record means the domain itself is the mail host (implicit MX).
        return (records.Count > 0 ? records : [(domain, 0, true)], null);
    }

    private async Task<MxCheck> CheckMxAsync(string host, int preference, MtaStsPolicy? policy, CancellationToken cancellationToken)
    {
        var pattern = policy?.Mx.FirstOrDefault(p => p.Matches(host)).Pattern;
        if (host.Length == 0)
        {
            return new MxCheck(".", preference, null, [], "null MX (RFC 7505): the domain accepts no mail");
        }

        IReadOnlyList<System.Net.IPAddress> ips;
        try
        {
            ips = await addresses.ResolveAsync(host, cancellationToken);
        }
        catch (DnsLookupException e)
        {
            return new MxCheck(host, preference, pattern, [], e.Message);
        }

        if (ips.Count == 0)
        {
            return new MxCheck(host, preference, pattern, [], $"{host} has no A or AAAA record");
        }

        var probes = await Task.WhenAll(ips.Take(MaxAddressesPerHost).Select(async ip =>
            new MxAddressCheck(ip.ToString(), await probe.ProbeAsync(host, ip, smtpPort, cancellationToken))));
        return new MxCheck(host, preference, pattern, probes, null);
    }

    private async Task<TlsRptCheck> CheckTlsRptAsync(string domain, CancellationToken cancellationToken)
    {
        var name = "_smtp._tls." + domain;
        if (DnsNameLimits.WhyCannotExist(name) is { } impossible)
        {
            return new TlsRptCheck([], [], impossible);
        }

        IDnsQueryResponse response;
        try
        {
            response = await dns.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new TlsRptCheck([], [], $"TXT lookup of {name} failed: {e.Message}");
        }

        // SERVFAIL and friends say nothing about the record: reporting "no record" would send the
        // admin to fix DNS data that may be fine. NXDOMAIN is an answer (no record).
        if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
        {
            return new TlsRptCheck([], [], $"TXT lookup of {name} failed: {response.Header.ResponseCode} ({response.ErrorMessage}); the record could not be checked");
        }

        return TlsRptRecordParser.Check(response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).ToList());
    }
}
