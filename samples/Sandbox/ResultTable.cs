using System.Text;

namespace Sandbox;

/// <summary>What the relay did with one domain's message, read from its log events.</summary>
internal sealed record ResultRow(string Domain, string Policy, string MxTried, string Tls, string Result, string Reason, bool AsExpected);

/// <summary>
/// Builds the sandbox's table from the relay's log: the delivery line (event 3000) gives the policy,
/// MX, TLS and result; mx-skipped/mx-failed (3001/3002), the testing-mode violation (3003) and a
/// failed policy fetch (2001) explain what the delivery line alone does not show.
/// </summary>
internal static class ResultTable
{
    private static readonly string[] Headers = ["Domain", "Policy", "MX tried", "TLS", "Result", "Reason (RFC 8460)"];

    public static ResultRow Row(Scenario scenario, string queueId, IReadOnlyList<RelayEvent> events)
    {
        var mine = events.Where(e => e["QueueId"] == queueId).ToList();
        var delivery = mine.FirstOrDefault(e => e.Id == 3000);
        if (delivery is null)
        {
            return new ResultRow(scenario.Domain, "?", "?", "?", "no attempt logged", "-", AsExpected: false);
        }

        var skipped = mine.Where(e => e.Id == 3001).Select(e => $"{e["MxHost"]} (not in policy)");
        var failed = mine.Where(e => e.Id == 3002).Select(e => e["MxHost"]);
        var mxTried = delivery["MxHost"] != "-" ? delivery["MxHost"] : string.Join(", ", failed.Concat(skipped).Distinct());
        var policy = delivery["PolicySource"] == "none" ? "no policy" : delivery["PolicyMode"];
        var result = $"{delivery["Result"]} {delivery["Status"]}";
        return new ResultRow(scenario.Domain, policy, mxTried, Tls(delivery, mine), result, Reason(delivery, mine, events, scenario.Domain),
            delivery["Result"] == scenario.Expected);
    }

    public static string Render(IReadOnlyList<ResultRow> rows)
    {
        var cells = rows.Select(r => new[] { r.Domain, r.Policy, r.MxTried, r.Tls, r.Result, r.Reason + (r.AsExpected ? "" : "   <-- UNEXPECTED") }).ToList();
        var widths = Headers.Select((h, i) => cells.Select(c => c[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        AppendLine(text, Headers, widths);
        AppendLine(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in cells)
        {
            AppendLine(text, row, widths);
        }

        return text.ToString();
    }

    private static string Tls(RelayEvent delivery, List<RelayEvent> mine)
    {
        if (delivery["TlsProtocol"] is { } protocol && protocol is not ("none" or "-"))
        {
            var version = protocol.Replace("Tls1", "TLS 1.", StringComparison.Ordinal);
            return delivery["CertificateVerified"] == "yes" ? $"{version}, cert verified" : $"{version}, cert NOT verified";
        }

        var failure = mine.LastOrDefault(e => e.Id == 3002)?["FailureType"];
        return failure switch
        {
            "starttls-not-supported" => "no STARTTLS offered",
            { } type when type.StartsWith("certificate-", StringComparison.Ordinal) => "cert refused",
            _ when delivery["Result"] == "sent" => "none (plain text)",
            _ when mine.Any(e => e.Id == 3001) => "not contacted",
            _ => "-",
        };
    }

    private static string Reason(RelayEvent delivery, List<RelayEvent> mine, IReadOnlyList<RelayEvent> all, string domain)
    {
        if (delivery["FailureType"] != "-")
        {
            // validation-failure covers several causes; an MX outside the policy says so in its reason.
            var mismatch = mine.Any(e => e.Id == 3001 && e["Reason"].StartsWith("mx-mismatch", StringComparison.Ordinal));
            return delivery["FailureType"] + (mismatch ? " (mx-mismatch)" : "");
        }

        if (mine.FirstOrDefault(e => e.Id == 3003) is { } violation)
        {
            return $"{violation["FailureType"]} (testing: reported)";
        }

        return all.FirstOrDefault(e => e.Id == 2001 && e["Domain"] == domain) is { } fetch
            ? $"{fetch["FailureType"]} (no policy used)"
            : "-";
    }

    private static void AppendLine(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.Append('\n');
    }
}
