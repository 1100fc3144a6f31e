using Microsoft.Extensions.Options;

namespace MtaStsRelay.Control;

/// <summary><c>Relay:Control</c>: how the operator commands and the running relay meet in the spool folder.</summary>
internal sealed class ControlOptions
{
    /// <summary>The configuration section this class is bound from.</summary>
    public const string SectionName = "Relay:Control";

    /// <summary>
    /// How long a command waits for the running relay to apply its request. When it runs out the
    /// command withdraws the request if the relay has not taken it yet, and exits with 3.
    /// </summary>
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the relay waits at start for the spool lock while an operator command holds it
    /// (commands hold it for a moment); still held after that means another relay uses the spool.
    /// </summary>
    public TimeSpan StartLockWait { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Start-up validation of <c>Relay:Control</c>; messages name the key.</summary>
internal sealed class ControlOptionsValidation : IValidateOptions<ControlOptions>
{
    public ValidateOptionsResult Validate(string? name, ControlOptions options)
    {
        var errors = new List<string>();
        if (options.AnswerTimeout < TimeSpan.FromSeconds(1) || options.AnswerTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Relay:Control:AnswerTimeout must be between 00:00:01 and 00:10:00 (got {options.AnswerTimeout})");
        }

        if (options.StartLockWait < TimeSpan.Zero || options.StartLockWait > TimeSpan.FromHours(1))
        {
            errors.Add($"Relay:Control:StartLockWait must be between 00:00:00 and 01:00:00 (got {options.StartLockWait})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
