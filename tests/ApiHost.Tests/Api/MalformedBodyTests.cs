using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Api;

/// <summary>
/// Bodies that once made the binder throw, sent to every route of the host's endpoint table, with a session and
/// without: a JSON string or key holding a lone UTF-16 surrogate (an escape the JSON grammar allows but no text can
/// hold), and a multipart form cut off before its closing boundary. Every answer is a 4xx in the envelope.
/// </summary>
public abstract partial class MalformedBodyTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private const string Boundary = "cut-off-boundary";

    public static TheoryData<string> Bodies => ["surrogate-value", "surrogate-key", "truncated-multipart"];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task EveryRouteAnswersAMalformedBodyWithA4xxInTheEnvelope(string body)
    {
        var tenant = await SignUpAsync();
        var failures = new List<string>();
        var walked = 0;
        foreach (var (method, path) in Routes())
        {
            foreach (var client in new[] { tenant.Client, Anonymous })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Content(body) };
                using var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                walked++;
                if ((int)response.StatusCode >= 500 || !IsEnvelope(text))
                {
                    failures.Add($"{method} {path} ({(client == Anonymous ? "no session" : "session")}): {(int)response.StatusCode} {text[..Math.Min(text.Length, 160)]}");
                }
            }
        }

        Assert.True(walked > 100, $"only {walked} requests were made");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task ALoneSurrogateIsRefusedNamingTheFieldItIsIn()
    {
        var answer = await Envelope.ReadAsync(await Anonymous.PostAsync("/api/v2/account", Content("surrogate-value")));
        Assert.Equal((400, 1), (answer.HttpStatus, answer.StatusCode));
        Assert.StartsWith("company_name:", answer.StatusDescriptions, StringComparison.Ordinal);

        var form = await Envelope.ReadAsync(await Anonymous.PostAsync("/api/v2/account", Content("truncated-multipart")));
        Assert.Equal((400, 1), (form.HttpStatus, form.StatusCode));
        Assert.StartsWith("form:", form.StatusDescriptions, StringComparison.Ordinal);
    }

    private static HttpContent Content(string body)
    {
        switch (body)
        {
            case "surrogate-value":
                return Json("""{"company_name":"\ud800","name":"x","email":"a@b.test","password":"pw"}""");
            case "surrogate-key":
                return Json("""{"\udc00name":1}""");
            default:
                var content = new ByteArrayContent(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{{\"name\":"));
                content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
                return content;
        }

        static ByteArrayContent Json(string json)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }
    }

    private static bool IsEnvelope(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("statusCode", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Every /api/v2 route with each of its methods; route parameters are given a plausible value.
    private IEnumerable<(string Method, string Path)> Routes() =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v2", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, RouteParameter().Replace(e.RoutePattern.RawText!, "1"))))
            .Where(r => r.m is "POST" or "PUT" or "PATCH" or "DELETE")
            .Distinct()
            .OrderBy(r => r.Item2, StringComparer.Ordinal);

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}

public sealed class MalformedBodyMemoryTests(MemoryApiStorage storage) : MalformedBodyTests<MemoryApiStorage>(storage);
