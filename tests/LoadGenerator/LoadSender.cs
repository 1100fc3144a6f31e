using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace LoadGenerator;

/// <summary>
/// Plays Exchange: <c>connections</c> MailKit clients, each on one SMTP connection to the relay,
/// take message numbers from a shared counter until <c>messages</c> are sent, one recipient each.
/// Per message it records the whole MailKit Send (MAIL, RCPT, DATA, body, 250) and the relay's
/// DATA-end-to-250 interval (<see cref="AcceptTimer"/>).
/// </summary>
internal sealed class LoadSender(IPEndPoint relay, int size)
{
    private int _next;
    private int _accepted;
    private int _failed;
    private string? _firstError;
    private DateTimeOffset _until;

    /// <summary>
    /// Sends <paramref name="messages"/> over <paramref name="connections"/>; with <paramref name="until"/>,
    /// connections stop taking new messages at that time (a warm-up by duration).
    /// </summary>
    public async Task<SendResults> RunAsync(int messages, int connections, CancellationToken cancellationToken, DateTimeOffset? until = null)
    {
        _next = 0;
        _accepted = 0;
        _until = until ?? DateTimeOffset.MaxValue;
        _failed = 0;
        var send = new long[messages];
        var accept = new long[messages];
        var started = Stopwatch.GetTimestamp();
        var wallStart = DateTimeOffset.UtcNow;
        var runs = Enumerable.Range(0, connections)
            .Select(c => Task.Run(() => RunConnectionAsync(c, messages, send, accept, cancellationToken), cancellationToken));
        await Task.WhenAll(runs);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new SendResults(wallStart, elapsed, _accepted, _failed, _firstError,
            [.. send.Where(t => t > 0)], [.. accept.Where(t => t > 0)]);
    }

    /// <summary>
    /// Connects with Nagle's algorithm off, as the relay's own transport does. With it on, MailKit's
    /// last small write of the message data waits for the ACK of the one before, which the relay's
    /// kernel delays by up to 40 ms (delayed ACK): the client's stall, not the relay's work.
    /// </summary>
    private async Task ConnectAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        var socket = new Socket(relay.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(relay, cancellationToken);
            await client.ConnectAsync(socket, relay.Address.ToString(), relay.Port, SecureSocketOptions.None, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task RunConnectionAsync(int connection, int messages, long[] send, long[] accept, CancellationToken cancellationToken)
    {
        var message = LoadMessage.Create(size, connection);
        var timer = new AcceptTimer();
        using var client = new SmtpClient(timer) { LocalDomain = "exchange.load.test" };
        int index;
        // The first message always goes, so a warm-up of zero seconds still caches the policy.
        while ((index = Interlocked.Increment(ref _next) - 1) < messages && (index == 0 || DateTimeOffset.UtcNow < _until))
        {
            var recipient = new MailboxAddress(null, $"user{index % 100}@{SinkDomain.Domain}");
            try
            {
                if (!client.IsConnected)
                {
                    await ConnectAsync(client, cancellationToken);
                }

                timer.Reset();
                var started = Stopwatch.GetTimestamp();
                await client.SendAsync(message, MailboxAddress.Parse(LoadMessage.Sender), [recipient], cancellationToken);
                send[index] = Stopwatch.GetTimestamp() - started;
                accept[index] = timer.LastAcceptTicks;
                Interlocked.Increment(ref _accepted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failed);
                Interlocked.CompareExchange(ref _firstError, $"{e.GetType().Name}: {e.Message}", null);
            }
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
    }
}

/// <summary>What the senders saw: accepted and failed counts, the time it took, and per-message timings in Stopwatch ticks.</summary>
internal sealed record SendResults(
    DateTimeOffset Started, TimeSpan Elapsed, int Accepted, int Failed, string? FirstError, long[] SendTicks, long[] AcceptTicks);
