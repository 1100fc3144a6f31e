using MtaSts.Cache;

namespace MtaSts.Tests.Resolution;

/// <summary>A store that passes through to a real one but throws where a test says, as a broken disk or a bug would.</summary>
internal sealed class BrokenPolicyStore(IPolicyStore inner) : IPolicyStore
{
    /// <summary>Reading this domain throws.</summary>
    public string? BrokenDomain { get; set; }

    /// <summary>How many of the next listings throw.</summary>
    public int ListingsToBreak { get; set; }

    public Task<CachedPolicy?> GetAsync(string domain, CancellationToken cancellationToken) =>
        domain == BrokenDomain ? throw new InvalidOperationException($"simulated store bug reading {domain}") : inner.GetAsync(domain, cancellationToken);

    public Task SetAsync(CachedPolicy policy, CancellationToken cancellationToken) => inner.SetAsync(policy, cancellationToken);

    public Task RemoveAsync(string domain, CancellationToken cancellationToken) => inner.RemoveAsync(domain, cancellationToken);

    public Task<IReadOnlyList<CachedPolicy>> ListAsync(CancellationToken cancellationToken)
    {
        if (ListingsToBreak > 0)
        {
            ListingsToBreak--;
            throw new InvalidOperationException("simulated store bug listing entries");
        }

        return inner.ListAsync(cancellationToken);
    }
}
