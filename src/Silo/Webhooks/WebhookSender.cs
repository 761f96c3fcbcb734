using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Scheduling.Grains.Webhooks;

namespace Scheduling.Silo.Webhooks;

/// <summary>What one POST to a receiver came to.</summary>
public sealed record WebhookResponse(int? StatusCode, TimeSpan Latency, string? Error, string? Excerpt, DateTimeOffset? RetryAfter)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>
/// Sends webhook requests over one long-lived handler: never follows redirects, keeps no cookies, and connects
/// only to addresses the <see cref="WebhookTargetGuard"/> allows. The check runs in the handler's connect step,
/// on the very address it connects to, so a name that re-resolves to a private address (DNS rebinding) is
/// refused there rather than trusted from an earlier lookup.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    /// <summary>How much of a receiver's answer an attempt keeps, for the deliveries log.</summary>
    public const int ExcerptLength = 512;

    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly IOptions<WebhookOptions> _options;

    public WebhookSender(WebhookTargetGuard guard, TimeProvider time, IOptions<WebhookOptions> options)
    {
        _time = time;
        _options = options;
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            // Through a proxy the connect step would check the proxy's address, not the target's.
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Pooled connections were checked when they were opened; renewing them bounds how long one outlives a DNS change.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = (context, cancellationToken) => guard.ConnectAsync(context.DnsEndPoint, reason => new WebhookTargetRefusedException(reason), cancellationToken),
        };
        _client = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>POSTs the body with the Standard Webhooks headers; never throws for the receiver's faults, only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<WebhookResponse> SendAsync(Uri target, string webhookId, string secret, string body, CancellationToken cancellationToken)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Sign(secret, webhookId, timestamp, body));
        request.Headers.UserAgent.ParseAdd("Scheduling-Webhooks/2.0");

        var timeout = _options.Value.Timeout;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var started = _time.GetTimestamp();
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, either.Token);
            var excerpt = await ExcerptAsync(response, either.Token);
            var latency = _time.GetElapsedTime(started);
            var status = (int)response.StatusCode;
            string? error = status switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 => $"redirect to {response.Headers.Location?.OriginalString ?? "(no Location)"}; webhooks do not follow redirects",
                _ => $"HTTP {status}",
            };
            return new WebhookResponse(status, latency, error, excerpt, RetryAfter(response));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new WebhookResponse(null, _time.GetElapsedTime(started), $"no answer within {timeout.TotalSeconds:0.###} s", null, null);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResponse(null, _time.GetElapsedTime(started), Describe(ex), null, null);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new char[ExcerptLength];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
        return read == 0 ? null : new string(buffer, 0, read);
    }

    private DateTimeOffset? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => _time.GetUtcNow() + delta,
        { Date: { } date } => date,
        _ => null,
    };

    private static string Describe(HttpRequestException ex)
    {
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookTargetRefusedException refused)
            {
                return "refused: " + refused.Message;
            }
        }

        return ex.InnerException is { } cause ? $"{ex.Message} ({cause.Message})" : ex.Message;
    }
}

/// <summary>The target resolved only to addresses webhooks may not reach.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
