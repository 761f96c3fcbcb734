using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Scheduling.ApiHost.Tests.Harness;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;
using Scheduling.Silo.Telemetry;

namespace Scheduling.ApiHost.Tests.Telemetry;

public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<string> EchoAsync(string text);
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<string> EchoAsync(string text) => Task.FromResult(text);
}

/// <summary>Collects finished activities (the InMemory exporter is not in this build's registry).</summary>
public sealed class ActivityCollector : BaseExporter<Activity>
{
    public ConcurrentQueue<Activity> Finished { get; } = new();

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch)
        {
            Finished.Enqueue(activity);
        }

        return ExportResult.Success;
    }
}

public sealed class TracingTests
{
    [Fact]
    public async Task ServerSpanIsNamedByRouteAndParentsTheGrainCallSpan()
    {
        var collector = new ActivityCollector();
        await using var factory = new ApiHostFactory(services: services =>
        {
            services.AddGrainAssembly(typeof(EchoGrain).Assembly);
            services.Configure<SchedulingTelemetryOptions>(o => o.Configure.Add(otel =>
                otel.WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(collector)))));
            services.AddSingleton<IStartupFilter, EchoEndpoint>();
        });
        var client = factory.CreateClient();

        Assert.Equal("hello", await client.GetStringAsync("/test/echo/hello"));
        await client.GetAsync("/api/v2/tz/data?id=553");

        var server = await WaitForAsync(collector, a => a.Kind == ActivityKind.Server && a.DisplayName == "GET /test/echo/{text}");
        var grainCall = await WaitForAsync(collector, a => a.DisplayName == "IEchoGrain.EchoAsync");
        Assert.Equal(server.TraceId, grainCall.TraceId);
        Assert.Equal(server.SpanId, grainCall.ParentSpanId);
        Assert.Equal("/test/echo/{text}", server.GetTagItem("http.route"));
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));

        var tz = await WaitForAsync(collector, a => a.Kind == ActivityKind.Server && a.DisplayName == "GET /api/v2/tz/data");
        Assert.Equal("/api/v2/tz/data", tz.GetTagItem("http.route"));
    }

    private static async Task<Activity> WaitForAsync(ActivityCollector collector, Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (collector.Finished.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(10);
        }

        Assert.Fail($"No finished activity matched; saw: {string.Join(", ", collector.Finished.Select(a => a.DisplayName))}");
        return null!;
    }

    /// <summary>A test-only endpoint that makes one grain call inside an HTTP request.</summary>
    private sealed class EchoEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseRouting();
            app.UseEndpoints(endpoints => endpoints.MapGet("/test/echo/{text}", (string text, IGrainFactory grains) =>
                grains.GetGrain<IEchoGrain>(1).EchoAsync(text)));
        };
    }
}
