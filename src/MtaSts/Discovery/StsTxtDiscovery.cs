using DnsClient;
using MtaSts.Dns;

namespace MtaSts.Discovery;

/// <summary>
/// Looks up <c>_mta-sts.&lt;domain&gt;</c> (RFC 8461 §3.1). Never walks to a parent domain; CNAMEs are
/// followed by the resolver. Multi-string records are joined with no separator.
/// </summary>
public sealed class StsTxtDiscovery(ILookupClient dns)
{
    /// <summary>Queries and classifies the TXT record of <paramref name="domain"/> (already normalised). Never throws for DNS trouble.</summary>
    public async Task<TxtDiscoveryResult> DiscoverAsync(string domain, CancellationToken cancellationToken)
    {
        var name = "_mta-sts." + domain;
        if (DnsNameLimits.WhyCannotExist(name) is { } impossible)
        {
            // A 245–253 character domain is valid, but its _mta-sts name is too long to exist: it
            // can hold no record, which is what NXDOMAIN would say.
            return new TxtDiscoveryResult(TxtDiscoveryStatus.NoRecord, null, [], impossible);
        }

        IDnsQueryResponse response;
        try
        {
            response = await dns.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException e) when (cancellationToken.IsCancellationRequested)
        {
            // DnsClient reports cancellation as a DNS error; a shutdown is not DNS trouble, so it
            // must not start the DeferOnDnsTrouble clock or be logged as a failed lookup.
            throw new OperationCanceledException($"TXT lookup of {name} was cancelled", e, cancellationToken);
        }
        catch (DnsResponseException e)
        {
            // e.Message names the server and says "timed out"; e.DnsError is "Unknown Error" for timeouts.
            return new TxtDiscoveryResult(TxtDiscoveryStatus.DnsError, null, [], $"TXT lookup of {name} failed: {e.Message}");
        }

        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
        {
            return new TxtDiscoveryResult(TxtDiscoveryStatus.NoRecord, null, [], $"{name} does not exist (NXDOMAIN)");
        }

        if (response.HasError)
        {
            return new TxtDiscoveryResult(TxtDiscoveryStatus.DnsError, null, [],
                $"TXT lookup of {name} failed: {response.Header.ResponseCode} ({response.ErrorMessage})");
        }

        var records = response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).ToList();
        var selection = StsTxtRecordParser.Select(records);
        return selection.Status switch
        {
            TxtSelectionStatus.Found => new TxtDiscoveryResult(TxtDiscoveryStatus.Found, selection.Record, records, null),
            TxtSelectionStatus.NoRecord => new TxtDiscoveryResult(TxtDiscoveryStatus.NoRecord, null, records,
                records.Count == 0 ? $"{name} has no TXT record" : $"no TXT record at {name} starts with v=STSv1"),
            _ => new TxtDiscoveryResult(TxtDiscoveryStatus.Invalid, null, records, $"{name}: {selection.Reason}"),
        };
    }
}
