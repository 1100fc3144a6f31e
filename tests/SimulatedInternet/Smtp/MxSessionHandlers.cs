using System.Buffers;
using System.Net;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SimulatedInternet.Smtp;

/// <summary>
/// The SmtpServer hooks of a <see cref="TestMxServer"/>: the mailbox filter plays the scripts for MAIL and
/// RCPT, the message store records accepted messages or plays the DATA reply. Replies are thrown as
/// SmtpResponseException from the filter (the only way to choose the code there) but RETURNED from
/// SaveAsync, because a throw there leaves the client without any reply (libraries.md §1).
/// </summary>
internal sealed class MxSessionHandlers(RecipientScript recipients, MessageLog log, Func<SmtpReply?> mailFromReply, Func<SmtpReply?> dataReply, Func<TimeSpan> dataReplyDelay)
    : IMailboxFilter, IMessageStore
{
    public const string HeloKey = "SimulatedInternet:Helo";
    private int _dataAttempts;

    public int DataAttempts => Volatile.Read(ref _dataAttempts);

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
        mailFromReply() is { } reply ? Task.FromException<bool>(Reject(reply)) : Task.FromResult(true);

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
        recipients.Decide(Format(to)) is { } reply ? Task.FromException<bool>(Reject(reply)) : Task.FromResult(true);

    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _dataAttempts);
        var data = buffer.ToArray(); // the buffer is the session's, and only lent until the first await
        if (dataReplyDelay() is { } delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken);
        }

        if (dataReply() is { } reply)
        {
            return new SmtpResponse((SmtpReplyCode)reply.Code, reply.Text);
        }

        log.Add(new ReceivedMessage
        {
            Sender = Format(transaction.From),
            Recipients = transaction.To.Select(Format).ToList(),
            Data = data,
            IsSecure = context.Pipe.IsSecure,
            SslProtocol = context.Pipe.SslProtocol,
            HeloName = context.Properties.TryGetValue(HeloKey, out var helo) ? helo as string : null,
            RemoteEndPoint = context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var remote) ? remote as IPEndPoint : null,
            Parameters = transaction.Parameters.ToDictionary(p => p.Key, p => p.Value),
            ReceivedAt = DateTimeOffset.UtcNow,
        });
        return SmtpResponse.Ok;
    }

    /// <summary>Remembers the EHLO/HELO argument so the message record can carry it.</summary>
    public static void TrackHelo(ISessionContext context) =>
        context.CommandExecuting += (_, e) =>
        {
            var name = e.Command switch
            {
                EhloCommand ehlo => ehlo.DomainOrAddress,
                HeloCommand helo => helo.DomainOrAddress,
                _ => null,
            };
            if (name is not null)
            {
                e.Context.Properties[HeloKey] = name;
            }
        };

    private static string Format(IMailbox? mailbox) =>
        mailbox is null || (string.IsNullOrEmpty(mailbox.User) && string.IsNullOrEmpty(mailbox.Host))
            ? ""
            : $"{mailbox.User}@{mailbox.Host}";

    private static SmtpResponseException Reject(SmtpReply reply) =>
        new(new SmtpResponse((SmtpReplyCode)reply.Code, reply.Text));
}
