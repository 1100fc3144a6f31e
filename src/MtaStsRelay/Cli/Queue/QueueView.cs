using System.Text.Json;
using MtaStsRelay.Queue;
using static MtaStsRelay.Cli.OperatorText;

namespace MtaStsRelay.Cli.Queue;

/// <summary>
/// How <c>queue list</c> and <c>queue show</c> print envelopes: a block per message like
/// <c>postqueue -p</c> (id, age, attempts, next try, sender, then the pending recipients and the
/// last error), or JSON. Times are UTC; text from mail is made printable.
/// </summary>
internal sealed class QueueView(RetrySchedule schedule, DateTimeOffset now)
{
    public const int Schema = 1;

    public void WriteList(TextWriter output, IReadOnlyList<Envelope> envelopes)
    {
        if (envelopes.Count == 0)
        {
            output.WriteLine("The queue is empty.");
            return;
        }

        output.WriteLine($"{"QUEUE ID",-16}  {"AGE",-6}  {"ATTEMPTS",8}  {"NEXT TRY",-20}  SENDER");
        foreach (var envelope in envelopes)
        {
            output.WriteLine($"{envelope.QueueId,-16}  {Age(now - envelope.ArrivedAt),-6}  {envelope.Attempts,8}  {NextTry(envelope),-20}  {Sender(envelope)}");
            output.WriteLine($"    pending: {string.Join(", ", Pending(envelope))}");
            if (LastError(envelope) is { } error)
            {
                output.WriteLine($"    last error: {Printable(error)}");
            }
        }

        var pending = envelopes.Sum(e => Pending(e).Count());
        output.WriteLine($"-- {envelopes.Count} message{(envelopes.Count == 1 ? "" : "s")}, {pending} pending recipient{(pending == 1 ? "" : "s")}, {envelopes.Sum(e => e.Size)} bytes");
    }

    public void WriteShow(TextWriter output, Envelope envelope, IReadOnlyList<HeaderField> headers)
    {
        var from = envelope.ClientAddress is null ? "" : $" from {envelope.ClientAddress}{(envelope.HeloName is null ? "" : $" (EHLO {Printable(envelope.HeloName)})")}";
        output.WriteLine($"Queue ID:      {envelope.QueueId}");
        output.WriteLine($"Sender:        {Sender(envelope)}");
        output.WriteLine($"Arrived:       {Utc(envelope.ArrivedAt)} ({Age(now - envelope.ArrivedAt)} ago){from}");
        output.WriteLine($"Size:          {envelope.Size} bytes");
        output.WriteLine($"Attempts:      {envelope.Attempts}");
        output.WriteLine($"Next try:      {NextTry(envelope)}");
        output.WriteLine($"Expires:       {Utc(schedule.ExpiresAt(envelope))} (pending recipients bounce then)");
        output.WriteLine($"Delay notice:  {(envelope.DelayNoticeSent ? "sent" : "not sent")}");
        if (envelope.LastError is { } error)
        {
            output.WriteLine($"Last error:    {Printable(error)}");
        }

        output.WriteLine();
        output.WriteLine("Recipients:");
        foreach (var recipient in envelope.Recipients)
        {
            var completed = recipient.CompletedAt is { } at ? $"  {Utc(at)}" : "";
            output.WriteLine($"  {recipient.Status.ToString().ToLowerInvariant(),-9}  {recipient.Address}{completed}");
            if (recipient.LastReply is { } reply)
            {
                var type = recipient.LastFailureType is { } failure ? $" ({failure})" : "";
                output.WriteLine($"             last reply: {Printable(reply)}{type}");
            }
        }

        output.WriteLine();
        output.WriteLine("Headers:");
        foreach (var line in headers.SelectMany(h => h.Lines))
        {
            output.WriteLine($"  {Printable(line)}");
        }
    }

    public string ListJson(string spoolPath, IReadOnlyList<Envelope> envelopes) =>
        JsonSerializer.Serialize(
            new QueueListJson(Schema, spoolPath, envelopes.Count, [.. envelopes.Select(e => QueuedMessageJson.From(e, schedule, now))]),
            QueueJsonContext.Default.QueueListJson);

    public string ShowJson(Envelope envelope, IReadOnlyList<HeaderField> headers) =>
        JsonSerializer.Serialize(
            new QueueShowJson(Schema, QueuedMessageJson.From(envelope, schedule, now), [.. headers.Select(h => new HeaderJson(h.Name, h.Value))]),
            QueueJsonContext.Default.QueueShowJson);

    private string NextTry(Envelope envelope) => envelope.NextAttemptAt <= now ? "now" : Utc(envelope.NextAttemptAt);

    private static string Sender(Envelope envelope) => envelope.Sender.Length == 0 ? "<>" : envelope.Sender;

    private static IEnumerable<string> Pending(Envelope envelope) =>
        envelope.Recipients.Where(r => r.Status == RecipientStatus.Pending).Select(r => r.Address);

    /// <summary>The message's last error, else the last reply of a pending recipient (a 4xx from the MX).</summary>
    private static string? LastError(Envelope envelope) =>
        envelope.LastError ?? envelope.Recipients.LastOrDefault(r => r.Status == RecipientStatus.Pending && r.LastReply is not null)?.LastReply;
}
