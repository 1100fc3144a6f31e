using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtaSts.Tests.Fetch;

/// <summary>
/// A bare HTTPS/1.1 server on 127.0.0.1 for what <c>PolicyHttpsHost</c> cannot show: it records each
/// request head verbatim (to assert the headers the fetcher sends) and answers with exact bytes (e.g.
/// a chunked body with no Content-Length). One request per connection, then it closes.
/// </summary>
internal sealed class RawHttpsServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly byte[] _response;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<string> _requestHeads = [];
    private readonly Task _serving;

    public RawHttpsServer(X509Certificate2 certificate, byte[] response)
    {
        _certificate = certificate;
        _response = response;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<string> RequestHeads
    {
        get
        {
            lock (_requestHeads)
            {
                return [.. _requestHeads];
            }
        }
    }

    /// <summary>A 200 text/plain response sent with chunked transfer coding (no Content-Length).</summary>
    public static byte[] Chunked(byte[] body, int chunkSize = 4096)
    {
        using var output = new MemoryStream();
        Write(output, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            var length = Math.Min(chunkSize, body.Length - offset);
            Write(output, $"{length:x}\r\n");
            output.Write(body, offset, length);
            Write(output, "\r\n");
        }

        Write(output, "0\r\n\r\n");
        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }

        _stopping.Dispose();
    }

    private static void Write(Stream output, string text) => output.Write(Encoding.ASCII.GetBytes(text));

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stopping.Token);
                var head = await ReadHeadAsync(tls);
                lock (_requestHeads)
                {
                    _requestHeads.Add(head);
                }

                await tls.WriteAsync(_response, _stopping.Token);
                await tls.FlushAsync(_stopping.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                // the client went away or the server is stopping
            }
        }
    }

    private async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16384)
        {
            if (await stream.ReadAsync(one, _stopping.Token) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
