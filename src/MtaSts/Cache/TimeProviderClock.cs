using Microsoft.Extensions.Internal;

namespace MtaSts.Cache;

/// <summary>Lets MemoryCache expire entries on <see cref="TimeProvider"/> time, so tests can drive it.</summary>
internal sealed class TimeProviderClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
