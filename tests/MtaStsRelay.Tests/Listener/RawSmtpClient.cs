using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtaStsRelay.Tests.Listener;

/// <summary>A bare TCP SMTP client for the protocol-level cases MailKit would not produce.</summary>
internal sealed class RawSmtpClient : IDisposable
{
    private readonly TcpClient tcp;
    private Stream stream;
    private StreamReader reader;

    private RawSmtpClient(TcpClient tcp)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
        reader = new StreamReader(stream, Encoding.Latin1);
    }

    /// <summary>Connects to 127.0.0.1; from <paramref name="from"/> (another loopback address, e.g. 127.0.0.2) when given.</summary>
    public static RawSmtpClient Connect(int port, IPAddress? from = null)
    {
        var tcp = from is null ? new TcpClient() : new TcpClient(new IPEndPoint(from, 0));
        tcp.Connect(IPAddress.Loopback, port);
        return new RawSmtpClient(tcp);
    }

    /// <summary>Reads one reply, all lines of a multi-line reply joined with \n; null when the server closed.</summary>
    public async Task<string?> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await reader.ReadLineAsync(TestTimeout.Token);
            if (line is null)
            {
                return lines.Count == 0 ? null : string.Join('\n', lines);
            }

            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join('\n', lines);
            }
        }
    }

    /// <summary>
    /// Like <see cref="ReadReplyAsync"/>, but a reset connection also gives null: a server that closes
    /// with unread input makes the kernel send RST, which may overtake its last reply.
    /// </summary>
    public async Task<string?> ReadReplyOrClosedAsync()
    {
        try
        {
            return await ReadReplyAsync();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public Task WriteAsync(string text) => WriteAsync(Encoding.Latin1.GetBytes(text));

    public async Task WriteAsync(byte[] bytes)
    {
        await stream.WriteAsync(bytes, TestTimeout.Token);
        await stream.FlushAsync(TestTimeout.Token);
    }

    /// <summary>Like <see cref="WriteAsync(string)"/>, but a connection the server closed meanwhile is no error.</summary>
    public async Task WriteOrClosedAsync(string text)
    {
        try
        {
            await WriteAsync(text);
        }
        catch (IOException)
        {
            // The server may close after reading part of a long write; the caller reads what it said.
        }
    }

    /// <summary>Sends one command line and returns the reply.</summary>
    public async Task<string?> CommandAsync(string line)
    {
        await WriteAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads the greeting and says EHLO; returns the EHLO reply.</summary>
    public async Task<string?> HelloAsync()
    {
        var greeting = await ReadReplyAsync();
        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
        return await CommandAsync("EHLO client.test");
    }

    /// <summary>STARTTLS, then TLS trusting only <paramref name="serverCertificate"/>; returns the EHLO reply after it.</summary>
    public async Task<string?> StartTlsAsync(X509Certificate2 serverCertificate)
    {
        Assert.StartsWith("220", await CommandAsync("STARTTLS"), StringComparison.Ordinal);
        var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == serverCertificate.GetCertHashString());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, TestTimeout.Token);
        stream = tls;
        reader = new StreamReader(tls, Encoding.Latin1);
        return await CommandAsync("EHLO client.test");
    }

    public void Dispose()
    {
        reader.Dispose();
        tcp.Dispose();
    }
}
