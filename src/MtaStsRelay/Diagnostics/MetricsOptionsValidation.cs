using System.Net;
using Microsoft.Extensions.Options;

namespace MtaStsRelay.Diagnostics;

/// <summary>Start-up validation of <c>Relay:Metrics</c>: every failure names the key to fix.</summary>
internal sealed class MetricsOptionsValidation : IValidateOptions<MetricsOptions>
{
    private const string Root = MetricsOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"{Root}:Address: '{options.Address}' is not an IP address (127.0.0.1, ::1, 0.0.0.0)");
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"{Root}:Port must be 1-65535 (got {options.Port})");
        }

        if (options.MaxQueueAge <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:MaxQueueAge must be positive (got {options.MaxQueueAge})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
