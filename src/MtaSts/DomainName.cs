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

        string ascii;
        try
        {
            // Lower-case BEFORE punycode: the relay builds with InvariantGlobalization, where IdnMapping
            // skips the UTS #46 case mapping, so 'BÜCHER' would encode the capital Ü (xn--bcher-2pa)
            // and name a different domain than 'bücher' (xn--bcher-kva). Casing is full Unicode even
            // in invariant mode (.NET 8+).
            ascii = Idn.GetAscii(text.ToLowerInvariant()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            error = $"'{text}' is not a valid domain name";
            return false;
        }

        if (ascii.Length > 253 || !ascii.Contains('.'))
        {
            error = $"'{text}' is not a fully qualified domain name";
            return false;
        }

        normalized = ascii;
        return true;
    }

    /// <summary>Like <see cref="TryNormalize"/> but throws <see cref="ArgumentException"/> with the reason.</summary>
    public static string Normalize(string domain) =>
        TryNormalize(domain, out var normalized, out var error) ? normalized : throw new ArgumentException(error, nameof(domain));
}
