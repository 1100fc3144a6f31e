using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MtaStsRelay.Transport;
using SimulatedInternet;

namespace MtaStsRelay.Tests.Transport;

public sealed class SmtpTransportLoggingTests(TransportTestKit kit) : IClassFixture<TransportTestKit>
{
    private readonly CancellationToken _timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [Fact]
    public async Task SendAsync_DebugTranscript_HasCommandsAndRepliesButNoMessageContent()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        var logger = new CapturingLogger();
        var transport = new SmtpTransport(kit.Validator, TimeProvider.System, Options.Create(TransportTestKit.Options()), logger);
        var request = kit.Request(mx, TlsRequirement.Verified) with
        {
            MessagePath = kit.Queue("From: alice@local.example\r\nSubject: private subject\r\n\r\nprivate body\r\n"),
        };

        var result = await transport.SendAsync(request, _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        var lines = logger.Lines.ToList();
        Assert.All(lines, l => Assert.Equal(LogLevel.Debug, l.Level));
        Assert.Contains(lines, l => l.Text == "mx.remote.example C: EHLO relay.local.example");
        Assert.Contains(lines, l => l.Text == "mx.remote.example C: STARTTLS");
        Assert.Contains(lines, l => l.Text.StartsWith("mx.remote.example S: 220 mx.remote.example", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Text.StartsWith("mx.remote.example C: <message data, ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Text.Contains("private", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EventId is >= 1300 and < 1400 && l.Text.Contains("ended: Sent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_EightBitPart_DeclaresBody8BitMime()
    {
        await using var mx = await kit.StartMxAsync(CertificateKind.Valid);
        var request = kit.Request(mx, TlsRequirement.Verified) with
        {
            MessagePath = kit.Queue("From: alice@local.example\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n" +
                "Content-Transfer-Encoding: 8bit\r\n\r\nKäse\r\n"),
        };

        var result = await kit.Transport().SendAsync(request, _timeout);

        Assert.Equal(TransportOutcome.Sent, result.Outcome);
        Assert.Equal("8BITMIME", Assert.Single(mx.Messages).Parameters["BODY"]);
    }

    private sealed class CapturingLogger : ILogger<SmtpTransport>
    {
        public ConcurrentQueue<(LogLevel Level, int EventId, string Text)> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }
}
