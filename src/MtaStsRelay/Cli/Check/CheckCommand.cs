using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MtaSts;
using MtaSts.Check;
using MtaSts.Discovery;
using MtaSts.Dns;
using MtaSts.Fetch;
using MtaStsRelay.Configuration;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Cli.Check;

/// <summary>
/// <c>mtasts-relay check &lt;domain&gt; [--json] [--dns ip[:port]]</c>: validates a domain's MTA-STS
/// set-up as a sender sees it. Exit codes: 0 valid policy and every MX passed, 1 problems found,
/// 2 usage or lookup error.
/// </summary>
internal static class CheckCommand
{
    /// <summary>Admins read this JSON too: keep '&lt;', '&gt;' and non-ASCII as they are (it is never embedded in HTML).</summary>
    private static readonly CheckJsonContext ReadableJson = new(new JsonSerializerOptions(CheckJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public const int Passed = 0;
    public const int ProblemsFound = 1;
    public const int UsageOrLookupError = 2;

    public static Command Create(CliContext context)
    {
        var domain = new Argument<string>("domain") { Description = "The domain to check, e.g. example.com" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/check.md)" };
        var dns = new Option<string?>("--dns") { Description = "Use this name server (ip or ip:port) instead of the configured ones" };
        var command = new Command("check", "Check a domain's MTA-STS TXT record, policy, MX hosts and TLS-RPT record") { domain, json, dns };
        command.SetAction(async (parse, ct) =>
        {
            // The root accepts --Relay:Key=value settings for `run`; a tool command takes none.
            if (parse.UnmatchedTokens.Count > 0)
            {
                await context.Error.WriteLineAsync($"check: unknown argument '{parse.UnmatchedTokens[0]}'; run 'mtasts-relay check --help'");
                return UsageOrLookupError;
            }

            return await RunAsync(context, parse.GetRequiredValue(domain), parse.GetValue(json), parse.GetValue(dns), parse.GetValue(context.ConfigOption), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string domainArgument, bool json, string? dns, string? configFile, CancellationToken cancellationToken)
    {
        if (!DomainName.TryNormalize(domainArgument, out var domain, out var domainError))
        {
            await context.Error.WriteLineAsync($"check: {domainError}");
            return UsageOrLookupError;
        }

        if (dns is not null && !NameServerAddress.TryParse(dns, out _, out var dnsError))
        {
            await context.Error.WriteLineAsync($"check: --dns {dnsError}");
            return UsageOrLookupError;
        }

        DomainChecker checker;
        IHost host;
        try
        {
            (host, checker) = Build(context, configFile, dns);
        }
        catch (Exception e) when (e is OptionsValidationException or ConfigurationFileException or InvalidDataException or FormatException)
        {
            await context.Error.WriteLineAsync($"check: configuration error: {e.Message}");
            return UsageOrLookupError;
        }

        using (host)
        {
            var report = await checker.CheckAsync(domain, cancellationToken);
            var exitCode = report.LookupError is not null ? UsageOrLookupError : report.Passed ? Passed : ProblemsFound;
            if (json)
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(CheckJson.From(report, exitCode), ReadableJson.CheckJson));
            }
            else
            {
                CheckReportText.Write(context.Output, report);
            }

            return exitCode;
        }
    }

    private static (IHost Host, DomainChecker Checker) Build(CliContext context, string? configFile, string? dns)
    {
        var builder = RelayHostBuilder.Create([], configFile, context.ConfigOverrides);
        builder.Services.AddRelayCore(builder.Configuration, proactiveRefresh: false);
        builder.Services.AddRelayTransport(builder.Configuration);
        if (dns is not null)
        {
            builder.Services.PostConfigure<DnsOptions>(o => o.Servers = [dns]);
        }

        var host = builder.Build();
        var sp = host.Services;
        // Resolving the options runs their validators: a bad setting stops here, naming its key.
        _ = sp.GetRequiredService<IOptions<DnsOptions>>().Value;
        _ = sp.GetRequiredService<IOptions<TlsOptions>>().Value;
        _ = sp.GetRequiredService<IOptions<MtaStsOptions>>().Value;
        var port = builder.Configuration.GetValue("Relay:Delivery:Port", 25);
        var checker = new DomainChecker(
            sp.GetRequiredService<DnsClient.ILookupClient>(),
            sp.GetRequiredService<StsTxtDiscovery>(),
            sp.GetRequiredService<PolicyFetcher>(),
            sp.GetRequiredService<HostAddressResolver>(),
            sp.GetRequiredService<IMxTlsProbe>(),
            port);
        return (host, checker);
    }
}
