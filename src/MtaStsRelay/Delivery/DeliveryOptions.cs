using Microsoft.Extensions.Options;
using MtaStsRelay.Delivery.Routing;

namespace MtaStsRelay.Delivery;

/// <summary><c>Relay:Delivery</c>: how the worker delivers (timeouts of one session are in the transport's options, same section).</summary>
public sealed class DeliveryOptions
{
    /// <summary>The TCP port of recipient MX hosts. 25 on the internet; labs and tests change it.</summary>
    public int Port { get; set; } = 25;

    /// <summary>Messages delivered at the same time, at most.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 10;

    /// <summary>MX hosts tried per domain and attempt, at most (in preference order).</summary>
    public int MaxMxHosts { get; set; } = 5;

    /// <summary>Addresses tried per MX host, at most (IPv4 first).</summary>
    public int MaxAddressesPerHost { get; set; } = 2;

    /// <summary>The EHLO name and the reporting MTA of bounces; empty = <c>Relay:HostName</c>, else the machine name.</summary>
    public string? HeloName { get; set; }

    /// <summary>
    /// On SIGTERM, how long running deliveries may take to finish. A delivery cut off after that is
    /// retried at the next start (the remote side may then see it twice; it is never lost).
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Start-up validation of <c>Relay:Delivery</c> and <c>Relay:Domains</c>; messages name the key.</summary>
internal sealed class DeliveryOptionsValidation : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions o)
    {
        var errors = new List<string>();
        if (o.Port is < 1 or > 65535)
        {
            errors.Add($"Relay:Delivery:Port must be 1-65535 (got {o.Port})");
        }

        if (o.MaxConcurrentDeliveries is < 1 or > 1000)
        {
            errors.Add($"Relay:Delivery:MaxConcurrentDeliveries must be 1-1000 (got {o.MaxConcurrentDeliveries})");
        }

        if (o.MaxMxHosts is < 1 or > 20)
        {
            errors.Add($"Relay:Delivery:MaxMxHosts must be 1-20 (got {o.MaxMxHosts})");
        }

        if (o.MaxAddressesPerHost is < 1 or > 10)
        {
            errors.Add($"Relay:Delivery:MaxAddressesPerHost must be 1-10 (got {o.MaxAddressesPerHost})");
        }

        if (o.ShutdownGrace < TimeSpan.Zero || o.ShutdownGrace > TimeSpan.FromMinutes(30))
        {
            errors.Add($"Relay:Delivery:ShutdownGrace must be between 0 and 30 minutes (got {o.ShutdownGrace})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Validates <c>Relay:Domains</c> keys: each must be a domain name.</summary>
internal sealed class DomainOverridesValidation : IValidateOptions<Dictionary<string, DomainOverrideOptions>>
{
    public ValidateOptionsResult Validate(string? name, Dictionary<string, DomainOverrideOptions> options)
    {
        var errors = options.Keys
            .Where(domain => !MtaSts.DomainName.TryNormalize(domain, out _, out _))
            .Select(domain => $"Relay:Domains:{domain}: not a domain name")
            .Concat(options
                .Where(o => !DomainOverrideOptions.TryParse(o.Value.MtaSts, out _))
                .Select(o => $"Relay:Domains:{o.Key}:MtaSts must be Policy, Off or RequireTls (got '{o.Value.MtaSts}')"))
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
