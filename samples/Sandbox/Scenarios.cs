using SimulatedInternet;

namespace Sandbox;

/// <summary>One recipient domain of the sandbox: how it is set up on the simulated internet and what the relay should do.</summary>
/// <param name="Domain">The recipient domain; one message goes to bob@ this domain.</param>
/// <param name="SetUp">What the domain publishes, in one line for the reader.</param>
/// <param name="Expected">The delivery result the relay must log (event 3000 <c>result=</c>).</param>
/// <param name="PublishAsync">Creates the domain's DNS records, policy host and MX servers.</param>
internal sealed record Scenario(string Domain, string SetUp, string Expected, Func<TestInternet, CancellationToken, Task> PublishAsync);

/// <summary>
/// The domains of the sandbox, one per behaviour of RFC 8461 that an admin should see once: enforce
/// with a good and with a bad MX, an MX the policy does not list, testing mode, a retired policy, no
/// policy at all, and a policy host that is down.
/// </summary>
internal static class Scenarios
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("enforce-good.test", "enforce; its MX is listed and has a valid certificate", "sent", async (net, ct) =>
        {
            await net.AddMxHostAsync("enforce-good.test", 10, "mx1.enforce-good.test", CertificateKind.Valid, ct);
            net.PublishPolicy("enforce-good.test", "2025a", PolicyText.Enforce("mx1.enforce-good.test"));
        }),
        new("enforce-badcert.test", "enforce; its MX's certificate is for another name", "deferred", async (net, ct) =>
        {
            await net.AddMxHostAsync("enforce-badcert.test", 10, "mx1.enforce-badcert.test", CertificateKind.WrongName, ct);
            net.PublishPolicy("enforce-badcert.test", "2025a", PolicyText.Enforce("mx1.enforce-badcert.test"));
        }),
        new("enforce-unlisted.test", "enforce; its MX record names a host the policy does not list", "deferred", async (net, ct) =>
        {
            await net.AddMxHostAsync("enforce-unlisted.test", 10, "mx.attacker.test", CertificateKind.Valid, ct);
            net.PublishPolicy("enforce-unlisted.test", "2025a", PolicyText.Enforce("mx1.enforce-unlisted.test"));
        }),
        new("testing-badcert.test", "testing; its MX's certificate has expired", "sent", async (net, ct) =>
        {
            await net.AddMxHostAsync("testing-badcert.test", 10, "mx1.testing-badcert.test", CertificateKind.Expired, ct);
            net.PublishPolicy("testing-badcert.test", "2025a", PolicyText.Testing("mx1.testing-badcert.test"));
        }),
        new("retired.test", "mode none (policy retired); its MX has a self-signed certificate", "sent", async (net, ct) =>
        {
            await net.AddMxHostAsync("retired.test", 10, "mx1.retired.test", CertificateKind.SelfSigned, ct);
            net.PublishPolicy("retired.test", "2025b", PolicyText.Create("none", 86400));
        }),
        new("no-policy.test", "no MTA-STS at all; its MX does not offer STARTTLS", "sent", async (net, ct) =>
            await net.AddMxHostAsync("no-policy.test", 10, "mx1.no-policy.test", CertificateKind.None, ct)),
        new("policy-down.test", "TXT record published, but the policy host answers HTTP 503", "sent", async (net, ct) =>
        {
            await net.AddMxHostAsync("policy-down.test", 10, "mx1.policy-down.test", CertificateKind.Valid, ct);
            net.PublishPolicy("policy-down.test", "2025a", PolicyResponse.Error(503));
        }),
    ];
}
