using System.Globalization;

namespace MtaSts;

/// <summary>Normalises recipient domains to the form MTA-STS works on: lower-case A-labels, no trailing dot.</summary>
public static class DomainName
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>
    /// Returns the lower-case A-label form of <paramref name="domain"/>, or false with a reason when it is
    /// not a usable domain name (empty, an IP literal, bad characters, labels too long).
    /// </summary>
    public static bool TryNormalize(string? domain, out string normalized, out string? error)
    {
        normalized = "";
        error = null;
        var text = domain?.Trim().TrimEnd('.') ?? "";
        if (text.Length == 0)
        {
            error = "the domain is empty";
            return false;
        }

        if (text.StartsWith('[') || System.Net.IPAddress.TryParse(text, out _))
        {
            error = $"'{text}' is an address literal, not a domain";
            return false;
        }

        try
        {
            normalized = Idn.GetAscii(text).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = $"'{text}' is not a valid domain name";
            return false;
        }

        if (normalized.Length > 253 || !normalized.Contains('.'))
        {
            error = $"'{text}' is not a fully qualified domain name";
            return false;
        }

        return true;
    }

    /// <summary>Like <see cref="TryNormalize"/> but throws <see cref="ArgumentException"/> with the reason.</summary>
    public static string Normalize(string domain) =>
        TryNormalize(domain, out var normalized, out var error) ? normalized : throw new ArgumentException(error, nameof(domain));
}
