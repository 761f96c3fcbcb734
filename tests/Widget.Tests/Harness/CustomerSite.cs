using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Scheduling.Widget.Tests.Harness;

/// <summary>
/// A customer's web site on its own origin (another loopback port) that serves one HTML page: where the embed
/// snippet is pasted. A real server rather than a routed response, so chromium sees a loopback page framing a
/// loopback widget, as a public site framing a public host would be in production.
/// </summary>
public sealed class CustomerSite : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly byte[] _page;

    public CustomerSite(string html)
    {
        _page = Encoding.UTF8.GetBytes(html);
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength64 = _page.Length;
            await context.Response.OutputStream.WriteAsync(_page);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
