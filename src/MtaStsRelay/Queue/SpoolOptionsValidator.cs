using Microsoft.Extensions.Options;

namespace MtaStsRelay.Queue;

/// <summary>Checks <see cref="SpoolOptions"/> at start; every message names the configuration key.</summary>
internal sealed class SpoolOptionsValidator : IValidateOptions<SpoolOptions>
{
    public ValidateOptionsResult Validate(string? name, SpoolOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            return ValidateOptionsResult.Fail($"{SpoolOptions.SectionName}:Path must not be empty");
        }

        if (options.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            return ValidateOptionsResult.Fail($"{SpoolOptions.SectionName}:Path '{options.Path}' is not a valid path");
        }

        if (File.Exists(options.Path))
        {
            return ValidateOptionsResult.Fail($"{SpoolOptions.SectionName}:Path '{options.Path}' is a file, not a folder");
        }

        return ValidateOptionsResult.Success;
    }
}
