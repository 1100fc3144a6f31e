using System.Text;
using MailKit;
using Microsoft.Extensions.Logging;

namespace MtaStsRelay.Transport;

/// <summary>
/// Watches the SMTP conversation MailKit reports through <see cref="IProtocolLogger"/>: it knows
/// which command is waiting for a reply (so a timeout can say "waiting for greeting" rather than
/// just "timeout"), whether EHLO offered STARTTLS, and writes the transcript at Debug level.
/// The message data itself is never logged, only its size.
/// </summary>
internal sealed class SmtpSessionRecorder : IProtocolLogger
{
    private const string Greeting = "greeting";
    private const string EndOfData = "end of data";
    private static readonly byte[] DataTerminator = "\r\n.\r\n"u8.ToArray();

    private readonly ILogger _logger;
    private readonly string _mx;
    private readonly Queue<string> _awaiting = new();
    private readonly StringBuilder _clientLine = new();
    private readonly StringBuilder _serverLine = new();
    private readonly byte[] _dataTail = new byte[DataTerminator.Length];
    private bool _connected;
    private bool _inData;
    private long _dataBytes;
    private bool _inTlsHandshake;
    private bool _ehloReplyOpen;

    public SmtpSessionRecorder(ILogger logger, string mx)
    {
        _logger = logger;
        _mx = mx;
    }

    /// <summary>The server sent a complete greeting line.</summary>
    public bool GreetingReceived { get; private set; }

    /// <summary>An EHLO reply listed STARTTLS.</summary>
    public bool StartTlsAdvertised { get; private set; }

    /// <summary>The command whose reply came last ("greeting" for the banner), e.g. "STARTTLS".</summary>
    public string LastAnswered { get; private set; } = "";

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>"at greeting" or "in reply to EHLO", for a refusal.</summary>
    public string DescribeAnswered() => LastAnswered == Greeting ? "at greeting" : $"in reply to {LastAnswered}";

    /// <summary>Where the conversation stands, for an error message: "waiting for reply to RCPT".</summary>
    public string DescribePhase()
    {
        if (!_connected)
        {
            return "while connecting";
        }

        if (_inData)
        {
            return "while sending the message data";
        }

        if (_inTlsHandshake)
        {
            return "during the TLS handshake";
        }

        return _awaiting.TryPeek(out var command)
            ? command == Greeting ? "waiting for greeting" : $"waiting for reply to {command}"
            : "between commands";
    }

    public void LogConnect(Uri uri)
    {
        _connected = true;
        _awaiting.Enqueue(Greeting);
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
        _inTlsHandshake = false;
        ReadOnlySpan<byte> span = buffer.AsSpan(offset, count);
        while (!span.IsEmpty)
        {
            span = _inData ? ConsumeData(span) : ConsumeCommand(span);
        }
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        foreach (var b in buffer.AsSpan(offset, count))
        {
            if (b == (byte)'\n')
            {
                OnServerLine(_serverLine.ToString().TrimEnd('\r'));
                _serverLine.Clear();
            }
            else
            {
                _serverLine.Append((char)b);
            }
        }
    }

    public void Dispose()
    {
    }

    private ReadOnlySpan<byte> ConsumeCommand(ReadOnlySpan<byte> span)
    {
        var newline = span.IndexOf((byte)'\n');
        if (newline < 0)
        {
            _clientLine.Append(Encoding.UTF8.GetString(span));
            return [];
        }

        _clientLine.Append(Encoding.UTF8.GetString(span[..newline]));
        var line = _clientLine.ToString().TrimEnd('\r');
        _clientLine.Clear();
        _awaiting.Enqueue(CommandVerb(line));
        TransportLog.ClientLine(_logger, _mx, line);
        return span[(newline + 1)..];
    }

    /// <summary>Counts message bytes until the lone-dot terminator (dot-stuffing guarantees it is unique).</summary>
    private ReadOnlySpan<byte> ConsumeData(ReadOnlySpan<byte> span)
    {
        for (var i = 0; i < span.Length; i++)
        {
            _dataBytes++;
            _dataTail.AsSpan(1).CopyTo(_dataTail);
            _dataTail[^1] = span[i];
            if (_dataTail.AsSpan().SequenceEqual(DataTerminator))
            {
                _inData = false;
                _awaiting.Enqueue(EndOfData);
                TransportLog.ClientData(_logger, _mx, _dataBytes);
                return span[(i + 1)..];
            }
        }

        return [];
    }

    private void OnServerLine(string line)
    {
        TransportLog.ServerLine(_logger, _mx, line);
        if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2]))
        {
            return; // not a reply (RFC 5321 §4.2): MailKit will call it a protocol error; the phase stays
        }

        var isLast = line.Length < 4 || line[3] != '-';
        if (_awaiting.TryPeek(out var command) && command == "EHLO")
        {
            // EHLO keywords follow the code and separator: "250-STARTTLS" (RFC 5321 §4.1.1.1).
            StartTlsAdvertised |= _ehloReplyOpen && line.Length > 4
                && line[4..].Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase);
            _ehloReplyOpen = true;
        }

        if (!isLast)
        {
            return;
        }

        _ehloReplyOpen = false;
        var answered = _awaiting.TryDequeue(out var c) ? c : "";
        LastAnswered = answered;
        var code = line.Length >= 3 ? line[..3] : line;
        GreetingReceived |= answered == Greeting && code.StartsWith('2');
        _inData = answered == "DATA" && code == "354";
        if (_inData)
        {
            _dataBytes = 0;
        }

        _inTlsHandshake = answered == "STARTTLS" && code == "220";
    }

    private static string CommandVerb(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return (space < 0 ? line : line[..space]).ToUpperInvariant();
    }
}
