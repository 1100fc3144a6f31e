using Microsoft.Extensions.Options;
using MtaSts;
using MtaSts.Dns;

namespace MtaStsRelay.Configuration;

/// <summary>Start-up validation of <c>Relay:Dns</c>: every failure names the key to fix.</summary>
internal sealed class DnsOptionsValidation : IValidateOptions<DnsOptions>
{
    public ValidateOptionsResult Validate(string? name, DnsOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Servers.Count; i++)
        {
            if (!NameServerAddress.TryParse(options.Servers[i], out _, out var error))
            {
                errors.Add($"Relay:Dns:Servers:{i}: {error}");
            }
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Relay:Dns:Timeout must be between 0 and 1 minute (got {options.Timeout})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Start-up validation of <c>Relay:Tls</c>.</summary>
internal sealed class TlsOptionsValidation : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TrustedRoots))
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            _ = MtaSts.Tls.CertificateValidator.FromPemFile(options.TrustedRoots);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException e)
        {
            return ValidateOptionsResult.Fail($"Relay:Tls:TrustedRoots: {e.Message}");
        }
    }
}

/// <summary>Start-up validation of <c>Relay:MtaSts</c>.</summary>
internal sealed class MtaStsOptionsValidation : IValidateOptions<MtaStsOptions>
{
    public ValidateOptionsResult Validate(string? name, MtaStsOptions options)
    {
        var errors = new List<string>();
        Require(errors, options.FetchTimeout > TimeSpan.Zero && options.FetchTimeout <= TimeSpan.FromMinutes(5),
            $"Relay:MtaSts:FetchTimeout must be between 0 and 5 minutes (got {options.FetchTimeout})");
        Require(errors, options.TxtLookupInterval >= TimeSpan.Zero,
            "Relay:MtaSts:TxtLookupInterval must not be negative");
        Require(errors, options.FetchRetryBackoff >= MtaStsOptions.MinimumFetchRetryBackoff,
            $"Relay:MtaSts:FetchRetryBackoff must be at least 5 minutes (RFC 8461 §3.3) (got {options.FetchRetryBackoff})");
        Require(errors, options.DnsTroubleDeferLimit >= TimeSpan.Zero,
            "Relay:MtaSts:DnsTroubleDeferLimit must not be negative");
        Require(errors, options.RefreshInterval >= TimeSpan.FromMinutes(1),
            $"Relay:MtaSts:RefreshInterval must be at least 1 minute (got {options.RefreshInterval})");
        Require(errors, options.RefreshAhead >= TimeSpan.Zero, "Relay:MtaSts:RefreshAhead must not be negative");
        Require(errors, options.RecentUseWindow > TimeSpan.Zero, "Relay:MtaSts:RecentUseWindow must be positive");
        Require(errors, options.PolicyPort is > 0 and <= 65535, $"Relay:MtaSts:PolicyPort must be 1-65535 (got {options.PolicyPort})");
        Require(errors, !string.IsNullOrWhiteSpace(options.CachePath), "Relay:MtaSts:CachePath must not be empty");
        Require(errors, MtaStsOptions.IsValidUserAgent(options.UserAgent),
            $"Relay:MtaSts:UserAgent must be a valid HTTP User-Agent: product/version tokens and (comments), e.g. 'mtasts-relay/1.0 (admin@example.com)' (got '{options.UserAgent}')");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Require(List<string> errors, bool condition, string message)
    {
        if (!condition)
        {
            errors.Add(message);
        }
    }
}
