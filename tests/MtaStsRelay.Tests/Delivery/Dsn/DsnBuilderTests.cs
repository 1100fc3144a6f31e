using System.Text;
using MimeKit;
using MtaSts.Failures;
using MtaStsRelay.Delivery.Dsn;

namespace MtaStsRelay.Tests.Delivery.Dsn;

public sealed class DsnBuilderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Arrived = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);

    /// <summary>As the transport writes: CRLF (FormatOptions.Default follows the platform, LF here).</summary>
    private static readonly FormatOptions Wire = WireFormat();

    private readonly string _dir = Directory.CreateTempSubdirectory("dsn-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Build_Failure_HasPerMessageAndPerRecipientFields()
    {
        var request = Request(DsnKind.Failure, new DsnRecipient(
            "bob@remote.example", "5.1.1", "550 5.1.1 no such user", "mx1.remote.example.", "the remote server refused this address",
            new DateTimeOffset(2026, 11, 29, 9, 59, 0, TimeSpan.Zero)));

        var status = StatusOf(RoundTrip(DsnBuilder.Build(request, Now)));

        Assert.Equal(2, status.StatusGroups.Count);
        var perMessage = status.StatusGroups[0];
        Assert.Equal("dns; relay.example", perMessage["Reporting-MTA"]);
        Assert.Equal("Q123", perMessage["X-MtaStsRelay-Queue-ID"]);
        Assert.Equal(Arrived, MimeKit.Utils.DateUtils.TryParse(perMessage["Arrival-Date"], out var arrival) ? arrival : default);
        var recipient = status.StatusGroups[1];
        Assert.Equal("rfc822; bob@remote.example", recipient["Final-Recipient"]);
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("5.1.1", recipient["Status"]);
        Assert.Equal("dns; mx1.remote.example", recipient["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 no such user", recipient["Diagnostic-Code"]);
        Assert.Contains("09:59:00", recipient["Last-Attempt-Date"], StringComparison.Ordinal);
        Assert.Null(recipient["Will-Retry-Until"]);
    }

    [Fact]
    public void Build_Delay_SaysDelayedAndWhenRetriesEnd()
    {
        var until = new DateTimeOffset(2026, 11, 29, 9, 30, 0, TimeSpan.Zero).AddDays(5);
        var request = Request(DsnKind.Delay, new DsnRecipient("bob@remote.example", "4.7.5", null, null, "TLS failed")) with { WillRetryUntil = until };

        var message = RoundTrip(DsnBuilder.Build(request, Now));
        var recipient = StatusOf(message).StatusGroups[1];

        Assert.Equal("Delayed Mail (still being retried)", message.Subject);
        Assert.Equal("delayed", recipient["Action"]);
        Assert.Equal("4.7.5", recipient["Status"]);
        Assert.True(MimeKit.Utils.DateUtils.TryParse(recipient["Will-Retry-Until"], out var parsed));
        Assert.Equal(until, parsed);
        Assert.Null(recipient["Diagnostic-Code"]);
        Assert.Null(recipient["Remote-MTA"]);
        Assert.Contains("keep trying until", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Envelope_IsFromMailerDaemonToSenderAndAutoReplied()
    {
        var message = RoundTrip(DsnBuilder.Build(Request(DsnKind.Failure, Recipient("bob@remote.example")), Now));

        Assert.Equal("MAILER-DAEMON@relay.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("alice@local.example", message.To.Mailboxes.Single().Address);
        Assert.Equal("Undelivered Mail Returned to Sender", message.Subject);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
        Assert.Equal(Now, message.Date);
        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.IsType<TextPart>(report[0]);
        Assert.Equal("message/delivery-status", report[1].ContentType.MimeType);
    }

    [Fact]
    public void Build_MtaStsReason_AppearsInTheHumanText()
    {
        var reason = DsnBuilder.DescribeStsRefusal("enforce",
            new StsFailure(FailureType.CertificateHostMismatch, "certificate of mx1.remote.example is for 'other.example'"));
        var request = Request(DsnKind.Failure,
            new DsnRecipient("bob@remote.example", "5.7.5", null, "mx1.remote.example", reason),
            new DsnRecipient("carol@remote.example", "5.7.5", null, "mx1.remote.example", reason));

        var text = RoundTrip(DsnBuilder.Build(request, Now)).TextBody;

        Assert.Contains("MTA-STS policy (enforce) allows no MX host that offered valid TLS: certificate-host-mismatch", text, StringComparison.Ordinal);
        Assert.Contains("<bob@remote.example>", text, StringComparison.Ordinal);
        Assert.Contains("<carol@remote.example>", text, StringComparison.Ordinal);
        Assert.Contains("Q123", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_OriginalHeaders_AreAttachedWithoutTheBody()
    {
        var message = RoundTrip(DsnBuilder.Build(Request(DsnKind.Failure, Recipient("bob@remote.example")), Now));

        var headers = HeadersPartText(message);
        Assert.StartsWith("From: alice@local.example\r\n", headers, StringComparison.Ordinal);
        Assert.Contains("Subject: quarterly numbers\r\n", headers, StringComparison.Ordinal);
        Assert.Contains("Message-ID: <original@local.example>\r\n", headers, StringComparison.Ordinal);
        Assert.DoesNotContain("secret body", headers, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HeaderBlockOverCap_IsCutAtALineBoundaryWithin64KiB()
    {
        var header = new StringBuilder("From: alice@local.example\r\n");
        for (var i = 0; header.Length < 100_000; i++)
        {
            header.Append($"X-Filler-{i}: {new string('x', 70)}\r\n");
        }

        var path = WriteMessage(header + "\r\nsecret body\r\n");
        var message = RoundTrip(DsnBuilder.Build(Request(DsnKind.Failure, Recipient("bob@remote.example")) with { MessagePath = path }, Now));

        var headers = HeadersPartText(message);
        Assert.InRange(headers.Length, 60_000, 64 * 1024);
        Assert.EndsWith("\r\n", headers, StringComparison.Ordinal);
        Assert.Matches(@"X-Filler-\d+: x+\r\n$", headers);
    }

    [Fact]
    public void Build_EightBitHeaders_AreKeptAndDeclared8bit()
    {
        var path = WriteMessage("From: alice@local.example\r\nSubject: Grüße aus Köln\r\n\r\nbody\r\n");

        var built = DsnBuilder.Build(Request(DsnKind.Failure, Recipient("bob@remote.example")) with { MessagePath = path }, Now);
        var part = Assert.IsType<MimePart>(Report(built)[2]);

        Assert.Equal(ContentEncoding.EightBit, part.ContentTransferEncoding);
        Assert.Contains("Subject: Grüße aus Köln", HeadersPartText(RoundTrip(built)), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MessageFileGone_LeavesOutTheHeadersPart()
    {
        var request = Request(DsnKind.Failure, Recipient("bob@remote.example")) with { MessagePath = Path.Combine(_dir, "gone.eml") };

        var report = Report(RoundTrip(DsnBuilder.Build(request, Now)));

        Assert.Equal(2, report.Count);
    }

    [Fact]
    public void Build_NonAsciiReason_HumanPartIsSevenBitClean()
    {
        var request = Request(DsnKind.Failure, new DsnRecipient("bob@remote.example", "5.1.1", null, null, "Empfänger unbekannt"));

        var built = DsnBuilder.Build(request, Now);
        using var stream = new MemoryStream();
        Report(built)[0].WriteTo(Wire, stream);

        Assert.All(stream.ToArray(), b => Assert.True(b < 128));
        Assert.Contains("Empfänger unbekannt", RoundTrip(built).TextBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5.1.1", DsnKind.Failure, "5.1.1")]
    [InlineData("4.4.7", DsnKind.Failure, "4.4.7")]
    [InlineData("550", DsnKind.Failure, "5.0.0")]
    [InlineData("", DsnKind.Delay, "4.0.0")]
    [InlineData("4.7.5 extra", DsnKind.Delay, "4.0.0")]
    public void Build_StatusCode_IsKeptWhenWellFormedElseGeneric(string given, DsnKind kind, string expected)
    {
        var request = Request(kind, new DsnRecipient("bob@remote.example", given, null, null, "reason"));

        Assert.Equal(expected, StatusOf(RoundTrip(DsnBuilder.Build(request, Now))).StatusGroups[1]["Status"]);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("  ", false)]
    [InlineData("<>", false)]
    [InlineData(null, false)]
    [InlineData("alice@local.example", true)]
    public void ShouldNotify_NullSender_IsNeverNotified(string? sender, bool expected) =>
        Assert.Equal(expected, DsnBuilder.ShouldNotify(sender));

    [Fact]
    public void Build_NullSender_Throws()
    {
        var request = Request(DsnKind.Failure, Recipient("bob@remote.example")) with { OriginalSender = "" };

        Assert.Throws<ArgumentException>(() => DsnBuilder.Build(request, Now));
    }

    private DsnRequest Request(DsnKind kind, params DsnRecipient[] recipients) => new(
        "Q123", "alice@local.example", Arrived, "relay.example", kind, recipients,
        WriteMessage("From: alice@local.example\r\nTo: bob@remote.example\r\nSubject: quarterly numbers\r\nMessage-ID: <original@local.example>\r\n\r\nsecret body\r\n"));

    private static DsnRecipient Recipient(string address) => new(address, "5.1.1", "550 5.1.1 no such user", "mx1.remote.example", "refused");

    private string WriteMessage(string content)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.eml");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(content));
        return path;
    }

    private static FormatOptions WireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    private static MimeMessage RoundTrip(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(Wire, stream);
        stream.Position = 0;
        return MimeMessage.Load(stream);
    }

    private static MessageDeliveryStatus StatusOf(MimeMessage message) =>
        Report(message).OfType<MessageDeliveryStatus>().Single();

    private static MultipartReport Report(MimeMessage message) => Assert.IsType<MultipartReport>(message.Body);

    private static string HeadersPartText(MimeMessage message)
    {
        var part = Report(message)[2];
        Assert.Equal("text/rfc822-headers", part.ContentType.MimeType);
        using var stream = new MemoryStream();
        if (part is MessagePart { Message: { } inner })
        {
            // HeaderList.WriteTo ends the block with the empty line that separated it from the (absent) body.
            inner.Headers.WriteTo(Wire, stream);
            stream.SetLength(stream.Length - 2);
        }
        else
        {
            Assert.IsType<MimePart>(part).Content!.DecodeTo(stream);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
