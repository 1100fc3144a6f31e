using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Protocol;

namespace MtaStsRelay.Listener;

/// <summary>
/// The session's input, refusing a command line longer than <see cref="MaxLineLength"/>: the client
/// gets <c>500 5.5.2 Line too long</c> and the connection is closed. Message content (DATA) is not
/// limited here; Relay:Limits:MaxMessageSize bounds it.
/// </summary>
/// <remarks>
/// SmtpServer 11.1 (Strict size handling) buffers a command line up to MaxMessageSize, 35 MiB by
/// default, and then parses it into strings about twice that size, before anything of ours sees it:
/// a hundred sessions, no login needed, could take gigabytes. RFC 5321 §4.5.3.1.4 allows 512 octets
/// per command line, extensions add parameters, and RFC 4954 §4 asks servers to take
/// authentication responses of 12288 octets; 16 KiB covers all of them. Closing rather than skipping to the next
/// CRLF: a client that sends 16 KiB without a line end is broken or hostile, and reading on would
/// spend on it what the limit saves (RFC 5321 §4.2.2 lists "500 Line too long").
/// Reads go to the pipe's current Input every time: STARTTLS replaces it.
/// </remarks>
internal sealed class CommandLineLimitReader : PipeReader
{
    /// <summary>The longest command line accepted, CRLF included.</summary>
    public const int MaxLineLength = 16 * 1024;

    private readonly ISecurableDuplexPipe pipe;
    private readonly ISessionContext context;
    private readonly ILogger logger;
    private volatile bool inData;

    public CommandLineLimitReader(ISecurableDuplexPipe pipe, ISessionContext context, ILogger logger)
    {
        this.pipe = pipe;
        this.context = context;
        this.logger = logger;

        // DATA runs between these two events: CommandExecuting comes after the state machine has
        // accepted DATA (just before the 354), CommandExecuted after the reply to the message.
        context.CommandExecuting += (_, e) => inData = e.Command is DataCommand;
        context.CommandExecuted += (_, _) => inData = false;
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await pipe.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
        Check(result.Buffer);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!pipe.Input.TryRead(out result))
        {
            return false;
        }

        Check(result.Buffer);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => pipe.Input.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => pipe.Input.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => pipe.Input.CancelPendingRead();

    public override void Complete(Exception? exception = null) => pipe.Input.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => pipe.Input.CompleteAsync(exception);

    /// <summary>True when <paramref name="unread"/> starts with a line longer than <see cref="MaxLineLength"/>.</summary>
    internal static bool StartsWithOverlongLine(ReadOnlySequence<byte> unread)
    {
        if (unread.Length < MaxLineLength)
        {
            return false;
        }

        // CRLF, as SmtpServer splits lines: a bare LF does not end a command.
        var head = new SequenceReader<byte>(unread.Slice(0, MaxLineLength));
        return !head.TryReadTo(out ReadOnlySequence<byte> _, "\r\n"u8, advancePastDelimiter: false);
    }

    /// <summary>
    /// Throws the 500 as SmtpServer throws its own size refusal: its session loop sends the reply
    /// and, with quit set, ends the session.
    /// </summary>
    private void Check(ReadOnlySequence<byte> unread)
    {
        if (!inData && StartsWithOverlongLine(unread))
        {
            logger.CommandLineTooLong(SessionInfo.ClientText(context), MaxLineLength);
            throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.CommandUnrecognized, "5.5.2 Line too long"), quit: true);
        }
    }
}
