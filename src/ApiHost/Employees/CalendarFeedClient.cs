using System.Net;
using System.Text;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Webhooks;

namespace Scheduling.ApiHost.Employees;

/// <summary>
/// Fetches an employee's Internet Calendar (ics_url) for GET /employee/sync. The server makes this request on a tenant's
/// behalf, so it follows the webhook rule (<see cref="WebhookTargetGuard"/>, <c>Webhooks:AllowPrivateTargets</c>): the URL
/// is checked before the request, and every connection, redirects included, is checked again on the address it
/// actually reaches (a name may resolve elsewhere by then). The answer is capped in time and size. Every failure is
/// the caller's ics_url: FieldValidationException (400 / statusCode 1) naming it and saying what went wrong.
/// </summary>
public sealed class CalendarFeedClient : IDisposable
{
    public const string Field = "ics_url";

    /// <summary>A calendar feed larger than this is refused (years of busy events fit in far less).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly WebhookTargetGuard _guard;
    private readonly HttpClient _http;

    public CalendarFeedClient(WebhookTargetGuard guard)
    {
        _guard = guard;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 3,
            ConnectTimeout = Timeout,
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
            ConnectCallback = (context, cancellationToken) => guard.ConnectAsync(context.DnsEndPoint, Refused, cancellationToken),
        };
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("SchedulingCalendarSync/1.0");
        _http.DefaultRequestHeaders.Accept.ParseAdd("text/calendar, */*;q=0.5");
    }

    /// <summary>The feed's text. <c>webcal://</c> (how calendar apps publish feeds) is read as https.</summary>
    public async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        var text = url.Trim();
        if (text.StartsWith("webcal://", StringComparison.OrdinalIgnoreCase))
        {
            text = "https://" + text["webcal://".Length..];
        }

        var uri = await _guard.CheckAsync(text, Field, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw Refused($"the calendar at {uri.Host} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > MaxBytes)
            {
                throw Refused($"the calendar is larger than {MaxBytes / (1024 * 1024)} MiB");
            }

            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            return await ReadCappedAsync(body, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Refused($"the calendar at {uri.Host} did not answer within {Timeout.TotalSeconds:0} seconds");
        }
        catch (HttpRequestException ex)
        {
            throw ex.InnerException is FieldValidationException refused
                ? refused
                : Refused($"the calendar at {uri.Host} could not be fetched ({ex.HttpRequestError})");
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> ReadCappedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw Refused($"the calendar is larger than {MaxBytes / (1024 * 1024)} MiB");
            }

            buffer.Write(chunk, 0, read);
        }

        // RFC 5545 feeds are UTF-8; a byte order mark is dropped.
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
    }

    private static FieldValidationException Refused(string problem) => new(Field, problem);
}
