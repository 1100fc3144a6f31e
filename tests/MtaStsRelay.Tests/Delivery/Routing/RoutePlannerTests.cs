using MtaSts.Cache;
using MtaSts.Failures;
using MtaSts.Policy;
using MtaSts.Resolution;
using MtaStsRelay.Delivery.Routing;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Tests.Delivery.Routing;

public class RoutePlannerTests
{
    private static readonly MxHost Good = new("mx1.example.test", 10);
    private static readonly MxHost Good2 = new("mx2.example.test", 20);
    private static readonly MxHost Foreign = new("mail.other.test", 5);

    private static PolicyResolution Resolution(MtaStsMode mode, params string[] patterns)
    {
        var mx = patterns.Select(p => MxPattern.TryCreate(p, out var pattern, out _) ? pattern : throw new ArgumentException(p)).ToList();
        var policy = new MtaStsPolicy(mode, TimeSpan.FromDays(7), mx);
        var now = DateTimeOffset.UnixEpoch;
        return new PolicyResolution("example.test", PolicySource.Cache, new CachedPolicy("example.test", "id1", policy, now, now.AddDays(7)));
    }

    [Fact]
    public void Plan_Enforce_OnlyMatchingHostsWithVerifiedTls()
    {
        var plan = RoutePlanner.Plan([Foreign, Good, Good2], Resolution(MtaStsMode.Enforce, "*.example.test"), DomainOverride.Policy);

        Assert.Equal(RouteRule.Enforce, plan.Rule);
        Assert.True(plan.Strict);
        var pass = Assert.Single(plan.Passes);
        Assert.Equal([Good, Good2], pass.Select(c => c.Host));
        Assert.All(pass, c => Assert.Equal(TlsRequirement.Verified, c.Tls));
        Assert.All(pass, c => Assert.False(c.PlainTextRetry));
        var skipped = Assert.Single(plan.Skipped);
        Assert.Equal(Foreign, skipped.Host);
        Assert.Equal(FailureType.ValidationFailure, skipped.Failure.Type);
        Assert.StartsWith("mx-mismatch", skipped.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_HostCap_CountsOnlyHostsThePolicyAllows()
    {
        // Six unlisted hosts sort before the listed one: a cap taken before the filter would leave none.
        var unlisted = Enumerable.Range(1, 6).Select(i => new MxHost($"mx{i}.other.test", i)).ToList();

        var plan = RoutePlanner.Plan([.. unlisted, Good, Good2], Resolution(MtaStsMode.Enforce, "*.example.test"), DomainOverride.Policy, maxHosts: 1);

        Assert.Equal([Good], Assert.Single(plan.Passes).Select(c => c.Host));
        Assert.Equal(6, plan.Skipped.Count);
    }

    [Fact]
    public void Plan_HostCap_AppliesToEachPassOfTesting()
    {
        var plan = RoutePlanner.Plan([Foreign, Good, Good2], Resolution(MtaStsMode.Testing, "*.example.test"), DomainOverride.Policy, maxHosts: 2);

        Assert.Equal([Good, Good2], plan.Passes[0].Select(c => c.Host));
        Assert.Equal([Foreign, Good], plan.Passes[1].Select(c => c.Host));
    }

    [Fact]
    public void Plan_EnforceWithNoMatchingHost_HasNoCandidates()
    {
        var plan = RoutePlanner.Plan([Foreign], Resolution(MtaStsMode.Enforce, "mx1.example.test"), DomainOverride.Policy);

        Assert.Empty(Assert.Single(plan.Passes));
        Assert.Single(plan.Skipped);
    }

    [Fact]
    public void Plan_Testing_VerifiedPassThenOpportunisticFallbackOverAllHosts()
    {
        var plan = RoutePlanner.Plan([Foreign, Good], Resolution(MtaStsMode.Testing, "mx1.example.test"), DomainOverride.Policy);

        Assert.Equal(RouteRule.Testing, plan.Rule);
        Assert.False(plan.Strict);
        Assert.Equal(2, plan.Passes.Count);
        Assert.Equal([Good], plan.Passes[0].Select(c => c.Host));
        Assert.All(plan.Passes[0], c => Assert.Equal(TlsRequirement.Verified, c.Tls));
        Assert.Equal([Foreign, Good], plan.Passes[1].Select(c => c.Host));
        Assert.All(plan.Passes[1], c => Assert.Equal(TlsRequirement.Opportunistic, c.Tls));
        Assert.All(plan.Passes[1], c => Assert.True(c.PlainTextRetry));
    }

    [Fact]
    public void Plan_NoPolicy_OpportunisticWithPlainTextRetry()
    {
        var plan = RoutePlanner.Plan([Good, Good2], null, DomainOverride.Policy);

        Assert.Equal(RouteRule.Opportunistic, plan.Rule);
        var pass = Assert.Single(plan.Passes);
        Assert.All(pass, c => Assert.Equal(TlsRequirement.Opportunistic, c.Tls));
        Assert.All(pass, c => Assert.True(c.PlainTextRetry));
        Assert.Empty(plan.Skipped);
    }

    [Fact]
    public void Plan_ModeNone_BehavesAsNoPolicy()
    {
        var plan = RoutePlanner.Plan([Foreign], Resolution(MtaStsMode.None), DomainOverride.Policy);

        Assert.Equal(RouteRule.Opportunistic, plan.Rule);
        Assert.Equal([Foreign], Assert.Single(plan.Passes).Select(c => c.Host));
    }

    [Fact]
    public void Plan_OverrideOff_IgnoresEnforcePolicy()
    {
        var plan = RoutePlanner.Plan([Foreign], Resolution(MtaStsMode.Enforce, "mx1.example.test"), DomainOverride.Off);

        Assert.Equal(RouteRule.Opportunistic, plan.Rule);
        Assert.Equal([Foreign], Assert.Single(plan.Passes).Select(c => c.Host));
        Assert.Empty(plan.Skipped);
    }

    [Fact]
    public void Plan_OverrideRequireTlsWithoutPolicy_VerifiedToEveryHost()
    {
        var plan = RoutePlanner.Plan([Foreign, Good], null, DomainOverride.RequireTls);

        Assert.Equal(RouteRule.RequireTls, plan.Rule);
        Assert.True(plan.Strict);
        var pass = Assert.Single(plan.Passes);
        Assert.Equal([Foreign, Good], pass.Select(c => c.Host));
        Assert.All(pass, c => Assert.Equal(TlsRequirement.Verified, c.Tls));
    }

    [Fact]
    public void Plan_OverrideRequireTlsWithEnforcePolicy_PolicyStillDecidesEligibility()
    {
        var plan = RoutePlanner.Plan([Foreign, Good], Resolution(MtaStsMode.Enforce, "mx1.example.test"), DomainOverride.RequireTls);

        Assert.Equal(RouteRule.Enforce, plan.Rule);
        Assert.Equal([Good], Assert.Single(plan.Passes).Select(c => c.Host));
    }

    [Fact]
    public void Plan_KeepsPreferenceOrderGiven()
    {
        var plan = RoutePlanner.Plan([Good2, Good], Resolution(MtaStsMode.Enforce, "*.example.test"), DomainOverride.Policy);

        Assert.Equal([Good2, Good], Assert.Single(plan.Passes).Select(c => c.Host));
    }

    [Fact]
    public void Plan_OverrideRequireTlsWithTestingPolicy_UpgradesToVerifiedEverywhere()
    {
        var plan = RoutePlanner.Plan([Foreign, Good], Resolution(MtaStsMode.Testing, "mx1.example.test"), DomainOverride.RequireTls);

        Assert.Equal(RouteRule.RequireTls, plan.Rule);
        var pass = Assert.Single(plan.Passes);
        Assert.Equal([Foreign, Good], pass.Select(c => c.Host));
        Assert.All(pass, c => Assert.Equal(TlsRequirement.Verified, c.Tls));
    }
}
