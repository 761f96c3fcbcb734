using System.Net.Http.Json;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Telemetry;

/// <summary>
/// The app's own OTLP exporter, configured as operators configure it (OTEL_EXPORTER_OTLP_ENDPOINT, http/protobuf),
/// sends traces and metrics to a receiver: the route-named server span parents the grain-call spans of its request.
/// </summary>
[Collection(OtlpExportCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task TracesAndMetricsReachAnOtlpReceiverWithTheRouteNamedServerSpanAsParentOfTheGrainCalls()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var traceId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var factory = new ApiHostFactory(settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "scheduling-otlp-test",

            // Nothing is exported on a timer during the test: what arrives, the shutdown flush sent.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "60000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
        });
        await using (factory)
        {
            var client = factory.CreateClient();
            var nick = $"otlp{Guid.NewGuid():N}"[..20];

            // The request joins a trace of the test's choosing, so its spans are told apart from those of hosts that
            // other tests run in this process at the same time (activity listeners are process-wide).
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/account")
            {
                Content = JsonContent.Create(new { company_name = "Otlp", nick_name = nick, email = $"{nick}@example.test", password = "correct horse battery" }),
            };
            request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
            var signUp = await Envelope.ReadAsync(await client.SendAsync(request));
            Assert.Equal(0, signUp.StatusCode);
        }

        // Disposing the host flushes both providers through the exporter. WebApplicationFactory's dispose may return
        // while the entry point's RunAsync is still disposing the host's services (the providers among them), so the
        // exports are awaited.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(receiver.Spans.Any(s => s.TraceId == traceId && s.Kind == 2 && s.Attributes.ContainsKey("http.route")) && receiver.Requests.Any(r => r.Path == "/v1/metrics"))
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Empty(receiver.Problems);
        var server = Assert.Single(receiver.Spans, s => s.TraceId == traceId && s.Kind == 2 && s.Attributes.ContainsKey("http.route"));
        Assert.Equal("POST /api/v2/account/", server.Name);
        Assert.Equal("/api/v2/account/", server.Attributes["http.route"]);
        Assert.Equal("200", server.Attributes["http.response.status_code"]);
        // Orleans' client spans of the request's grain calls (activity propagation), children of the HTTP span.
        var grainCalls = receiver.Spans.Where(s => s.ParentSpanId == server.SpanId && s.Attributes.GetValueOrDefault("rpc.system.name") == "orleans").ToList();
        Assert.NotEmpty(grainCalls);
        Assert.All(grainCalls, call => Assert.Equal(server.TraceId, call.TraceId));
        Assert.Contains(grainCalls, call => call.Name.StartsWith("IAccountGrain/", StringComparison.Ordinal));

        Assert.Contains("http.server.request.duration", receiver.MetricNames);
        Assert.Contains("orleans-catalog-activations", receiver.MetricNames);
        Assert.All(receiver.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
        Assert.Contains(receiver.Requests, r => r.Path == "/v1/traces");
        Assert.Contains(receiver.Requests, r => r.Path == "/v1/metrics");
    }
}

/// <summary>
/// Runs alone: activity listeners are process-wide, so hosts of tests running at the same time would fill this
/// host's export queue with their spans.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OtlpExportCollection
{
    public const string Name = "otlp-export";
}
