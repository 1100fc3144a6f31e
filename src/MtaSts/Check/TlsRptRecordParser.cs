namespace MtaSts.Check;

/// <summary>
/// Validates TLS-RPT records (RFC 8460 §3): exactly one record starting with <c>v=TLSRPTv1</c>, with an
/// <c>rua</c> field of comma-separated <c>mailto:</c> or <c>https:</c> URIs.
/// </summary>
public static class TlsRptRecordParser
{
    /// <summary>Checks every TXT record at <c>_smtp._tls.&lt;domain&gt;</c>, each joined from its strings.</summary>
    public static TlsRptCheck Check(IReadOnlyList<string> records)
    {
        var candidates = records.Where(IsTlsRptRecord).ToList();
        if (candidates.Count == 0)
        {
            return new TlsRptCheck(records, [], "no TXT record starting with v=TLSRPTv1; senders cannot report TLS failures to you (RFC 8460)");
        }

        if (candidates.Count > 1)
        {
            return new TlsRptCheck(records, [], $"{candidates.Count} records start with v=TLSRPTv1; exactly one is allowed");
        }

        var rua = candidates[0].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(field => field.Split('=', 2))
            .FirstOrDefault(kv => kv.Length == 2 && kv[0].Trim() == "rua")?[1].Trim();
        if (string.IsNullOrEmpty(rua))
        {
            return new TlsRptCheck(records, [], "the TLS-RPT record has no rua= field");
        }

        var uris = rua.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (uris.Length == 0)
        {
            // "rua=," names no destination at all: as useless as no rua (RFC 8460 §3 requires one URI).
            return new TlsRptCheck(records, [], "the TLS-RPT record has no rua= destination");
        }

        var bad = uris.FirstOrDefault(u => !u.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) && !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        return bad is null
            ? new TlsRptCheck(records, uris, null)
            : new TlsRptCheck(records, uris, $"rua destination '{bad}' is neither mailto: nor https:");
    }

    private static bool IsTlsRptRecord(string record) =>
        record.StartsWith("v=TLSRPTv1", StringComparison.Ordinal)
        && (record.Length == 10 || record[10..].TrimStart(' ', '\t').StartsWith(';'));
}
