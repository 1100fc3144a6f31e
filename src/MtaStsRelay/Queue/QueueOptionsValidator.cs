using Microsoft.Extensions.Options;

namespace MtaStsRelay.Queue;

/// <summary>Checks <see cref="QueueOptions"/> at start; every message names the configuration key.</summary>
internal sealed class QueueOptionsValidator : IValidateOptions<QueueOptions>
{
    private const string Section = QueueOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.RetrySchedule.Count; i++)
        {
            if (options.RetrySchedule[i] <= TimeSpan.Zero)
            {
                failures.Add($"{Section}:RetrySchedule:{i} must be positive");
            }
        }

        if (options.Lifetime <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Lifetime must be positive");
        }

        if (options.DelayNotice is { } notice && notice < TimeSpan.Zero)
        {
            failures.Add($"{Section}:DelayNotice must not be negative (leave it empty or 00:00:00 to turn it off)");
        }
        else if (options.DelayNotice is { } delay && delay >= options.Lifetime && options.Lifetime > TimeSpan.Zero)
        {
            failures.Add($"{Section}:DelayNotice must be shorter than {Section}:Lifetime, or the notice is never sent");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
