using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Scheduling.TestSupport;

/// <summary>
/// A mail server for tests, on a loopback port: speaks just enough SMTP (EHLO/HELO, MAIL FROM, RCPT TO, DATA,
/// RSET, NOOP, QUIT; no extensions, so no STARTTLS or AUTH) to take messages from a real client, and keeps each
/// message for the test to read. <see cref="RefuseNext"/> makes it answer the next message with a 451.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<ReceivedMail> _received = Channel.CreateUnbounded<ReceivedMail>();
    private readonly Task _accepting;
    private int _refusals;

    private FakeSmtpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static FakeSmtpServer Start() => new();

    /// <summary>The next <paramref name="count"/> messages are refused with "451 try again later".</summary>
    public void RefuseNext(int count = 1) => Interlocked.Exchange(ref _refusals, count);

    /// <summary>The next message received, or a TimeoutException after <paramref name="timeout"/> (default 10 s).</summary>
    public async Task<ReceivedMail> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _received.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The SMTP server received no message in time.");
        }
    }

    /// <summary>Messages received and not yet read by <see cref="NextAsync"/>.</summary>
    public IReadOnlyList<ReceivedMail> Drain()
    {
        var mails = new List<ReceivedMail>();
        while (_received.Reader.TryRead(out var mail))
        {
            mails.Add(mail);
        }

        return mails;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 localhost fake SMTP");
        string? from = null;
        var to = new List<string>();
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-localhost");
                    await writer.WriteLineAsync("250 HELP");
                    break;
                case "HELO":
                case "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RSET":
                    from = null;
                    to.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "MAIL":
                    from = Address(line);
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    to.Add(Address(line));
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                    {
                        // Dot-stuffing (RFC 5321 §4.5.2): a leading dot was doubled by the client.
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }

                    if (Interlocked.Decrement(ref _refusals) >= 0)
                    {
                        await writer.WriteLineAsync("451 try again later");
                    }
                    else
                    {
                        Interlocked.Exchange(ref _refusals, 0);
                        await _received.Writer.WriteAsync(new ReceivedMail(from ?? string.Empty, [.. to], data.ToString()));
                        await writer.WriteLineAsync("250 OK queued");
                    }

                    from = null;
                    to.Clear();
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 Command not implemented");
                    break;
            }
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}

/// <summary>One message as the server took it: envelope sender and recipients, and the raw RFC 5322 text.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data)
{
    /// <summary>A header's value, unfolded, with RFC 2047 encoded-words decoded; null when absent.</summary>
    public string? Header(string name) => MimeText.Header(Data, name);

    /// <summary>The decoded text of every text/* part (the whole body when the message is not multipart), by media type.</summary>
    public IReadOnlyList<(string MediaType, string Text)> TextParts => MimeText.TextParts(Data);

    public string? TextBody => TextParts.FirstOrDefault(p => p.MediaType == "text/plain").Text;

    public string? HtmlBody => TextParts.FirstOrDefault(p => p.MediaType == "text/html").Text;
}
