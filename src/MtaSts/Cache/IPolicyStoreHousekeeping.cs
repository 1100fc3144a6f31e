namespace MtaSts.Cache;

/// <summary>
/// A policy store that clears out what no lookup needs any more. <see cref="PolicyCache"/> calls it at
/// its first use and then about once a day, on its <see cref="TimeProvider"/>.
/// </summary>
public interface IPolicyStoreHousekeeping
{
    /// <summary>
    /// Removes entries expired well before <paramref name="now"/> and leftovers of interrupted writes.
    /// Never removes an entry a lookup could still use. Problems with single items are logged, not thrown.
    /// </summary>
    Task HousekeepAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
