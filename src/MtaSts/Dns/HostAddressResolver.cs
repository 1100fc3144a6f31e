using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace MtaSts.Dns;

/// <summary>
/// Resolves a host name to its addresses through DnsClient, never the OS resolver, so that the
/// configured name servers also decide where HTTPS and SMTP connect.
/// </summary>
public sealed class HostAddressResolver(ILookupClient dns)
{
    /// <summary>The resolver's DNS client.</summary>
    public ILookupClient Dns => dns;

    /// <summary>
    /// A and AAAA addresses of <paramref name="host"/> (IPv4 first), following CNAMEs. An IP literal is
    /// returned as is. An empty list means the name has no address; DNS failures throw
    /// <see cref="DnsLookupException"/> with the reason (also when one family fails and the other is
    /// empty; addresses found in one family are returned even if the other failed). A name too long
    /// to exist in DNS (<see cref="DnsNameLimits"/>) has no address.
    /// </summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var name = host.TrimEnd('.');
        if (IPAddress.TryParse(name, out var literal))
        {
            return [literal];
        }

        if (DnsNameLimits.WhyCannotExist(name) is not null)
        {
            return [];
        }

        var v4 = QueryAsync(name, QueryType.A, cancellationToken);
        var v6 = QueryAsync(name, QueryType.AAAA, cancellationToken);
        var answers = await Task.WhenAll(v4, v6);
        var addresses = answers[0].Answers.ARecords().Select(r => r.Address)
            .Concat(answers[1].Answers.AaaaRecords().Select(r => r.Address))
            .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .Distinct()
            .ToList();
        // NXDOMAIN is an answer (no such host); SERVFAIL and friends are trouble worth retrying. One
        // family failing is enough doubt when the other has nothing: "A SERVFAIL, AAAA empty" may hide
        // an address, so it is trouble, not "no address".
        var trouble = answers.FirstOrDefault(a => a.HasError && a.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain);
        if (addresses.Count == 0 && trouble is not null)
        {
            throw new DnsLookupException($"{name}: {trouble.ErrorMessage}");
        }

        return addresses;
    }

    private async Task<IDnsQueryResponse> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        try
        {
            return await dns.QueryAsync(name, type, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException e) when (cancellationToken.IsCancellationRequested)
        {
            // DnsClient reports cancellation as a DNS error; the caller asked to stop, the DNS is not at fault.
            throw new OperationCanceledException($"{type} lookup of {name} was cancelled", e, cancellationToken);
        }
        catch (DnsResponseException e)
        {
            throw new DnsLookupException($"{type} lookup of {name} failed: {e.Message}", e);
        }
    }
}

/// <summary>A DNS lookup that failed (timeout, SERVFAIL, unreachable server), as opposed to a name with no data.</summary>
public sealed class DnsLookupException : Exception
{
    /// <summary>Creates the exception with an admin-readable message.</summary>
    public DnsLookupException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
