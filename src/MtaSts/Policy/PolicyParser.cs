namespace MtaSts.Policy;

/// <summary>The outcome of parsing a policy body: a policy, or the reason it is invalid.</summary>
/// <param name="Policy">The policy when the body is valid.</param>
/// <param name="Error">Why the body is invalid (names the line or key), when it is.</param>
public sealed record PolicyParseResult(MtaStsPolicy? Policy, string? Error)
{
    /// <summary>True when <see cref="Policy"/> is set.</summary>
    public bool IsValid => Policy is not null;
}

/// <summary>
/// Parses the body of <c>/.well-known/mta-sts.txt</c> (RFC 8461 §3.2 and rules doc §3): forgiving
/// about cosmetics, strict about meaning.
/// </summary>
public static class PolicyParser
{
    /// <summary>Parses a policy body already decoded as UTF-8.</summary>
    public static PolicyParseResult Parse(string body) => throw new NotImplementedException();
}
