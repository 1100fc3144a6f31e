using System.Diagnostics.Metrics;
using MtaSts.Failures;
using MtaSts.Resolution;

namespace MtaSts;

/// <summary>
/// The instruments of the MTA-STS engine, on the meter <see cref="MeterName"/>: how policy
/// lookups were answered (cache hit, fetch, stale cache after a failed fetch, no policy) and how
/// each HTTPS fetch ended, with the RFC 8460 result type of a failure. Read them with any
/// <see cref="MeterListener"/>-based tool (dotnet-counters, OpenTelemetry, the relay's /metrics).
/// </summary>
public sealed class MtaStsMetrics
{
    /// <summary>The name of the meter that carries these instruments.</summary>
    public const string MeterName = "MtaSts";

    /// <summary>Counter of policy lookups for delivery, tagged <c>source</c> (cache, fetched, cache-after-failure, none).</summary>
    public const string LookupsName = "mtasts.policy.lookups";

    /// <summary>Counter of HTTPS policy fetches, tagged <c>outcome</c> (success or an RFC 8460 result type).</summary>
    public const string FetchesName = "mtasts.policy.fetches";

    // Without a meter factory (a resolver built by hand) every resolver shares one meter, so
    // creating many resolvers does not leave many meters registered for the life of the process.
    private static readonly Lazy<MtaStsMetrics> Shared = new(() => new MtaStsMetrics(new Meter(MeterName)));

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _fetches;

    private MtaStsMetrics(Meter meter)
    {
        _lookups = meter.CreateCounter<long>(LookupsName, "{lookup}",
            "MTA-STS policy lookups for delivery, by where the answer came from (source: cache = hit, fetched, cache-after-failure, none)");
        _fetches = meter.CreateCounter<long>(FetchesName, "{fetch}",
            "HTTPS fetches of MTA-STS policies, by outcome (success, sts-policy-fetch-error, sts-webpki-invalid, sts-policy-invalid)");
    }

    /// <summary>The instruments on <paramref name="meterFactory"/>'s meter, or on a process-wide meter without one.</summary>
    internal static MtaStsMetrics Create(IMeterFactory? meterFactory) =>
        meterFactory is null ? Shared.Value : new MtaStsMetrics(meterFactory.Create(MeterName));

    /// <summary>Counts one lookup answered from <paramref name="source"/>.</summary>
    internal void Looked(PolicySource source) =>
        _lookups.Add(1, new KeyValuePair<string, object?>("source", source.ToLogName()));

    /// <summary>Counts one fetch: a success, or the failure's RFC 8460 type.</summary>
    internal void Fetched(StsFailure? failure) =>
        _fetches.Add(1, new KeyValuePair<string, object?>("outcome", failure is null ? "success" : failure.Type.ToResultType()));
}
