using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
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

/// <summary>
/// Finished items as the InMemory exporter adds them, safe to read while requests still finish on other threads
/// (the exporter adds to a plain <see cref="ICollection{T}"/>).
/// </summary>
public sealed class ExportedItems<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public void Add(T item)
    {
        lock (_items)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
        }
    }

    public bool Contains(T item)
    {
        lock (_items)
        {
            return _items.Contains(item);
        }
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_items)
        {
            _items.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(T item)
    {
        lock (_items)
        {
            return _items.Remove(item);
        }
    }

    /// <summary>A snapshot: enumerating it is safe while the exporter adds.</summary>
    public IEnumerator<T> GetEnumerator()
    {
        lock (_items)
        {
            return ((IEnumerable<T>)[.. _items]).GetEnumerator();
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

public sealed class TracingTests
{
    /// <summary>
    /// The ASP.NET Core instrumentation (not code of ours) names the server span by its route and sets http.route
    /// and the response's status code, for a routed endpoint, an API endpoint and the API's not-found fallback.
    /// </summary>
    [Fact]
    public async Task ServerSpanIsNamedByRouteCarriesRouteAndStatusAndParentsTheGrainCallSpan()
    {
        var finished = new ExportedItems<Activity>();
        await using var factory = new ApiHostFactory(services: services =>
        {
            services.AddGrainAssembly(typeof(EchoGrain).Assembly);
            services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(finished));
            services.AddSingleton<IStartupFilter, EchoEndpoint>();
        }, settings: new Dictionary<string, string?> { [SchedulingTelemetry.TracingSetting] = "true" });
        var client = factory.CreateClient();

        Assert.Equal("hello", await client.GetStringAsync("/test/echo/hello"));
        Assert.True((await client.GetAsync("/api/v2/tz/data?id=553")).IsSuccessStatusCode);
        // A path of its own: other tests' hosts in this process ask for missing endpoints too.
        var missingPath = $"/api/v2/no/such/endpoint-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(missingPath)).StatusCode);

        var server = await WaitForAsync(finished, a => a.Kind == ActivityKind.Server && a.DisplayName == "GET /test/echo/{text}");
        // Orleans' own spans (activity propagation): the caller's client span is a child of the HTTP span, the grain's
        // server span a child of that client span.
        var grainCall = await WaitForAsync(finished, a => a.DisplayName == "IEchoGrain/EchoAsync" && a.Kind == ActivityKind.Client);
        var grainTurn = await WaitForAsync(finished, a => a.DisplayName == "IEchoGrain/EchoAsync" && a.Kind == ActivityKind.Server);
        Assert.Equal(server.TraceId, grainCall.TraceId);
        Assert.Equal(server.SpanId, grainCall.ParentSpanId);
        Assert.Equal(grainCall.SpanId, grainTurn.ParentSpanId);
        Assert.Equal("orleans", grainCall.GetTagItem("rpc.system.name"));
        Assert.Equal("/test/echo/{text}", server.GetTagItem("http.route"));
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));
        Assert.Equal("GET", server.GetTagItem("http.request.method"));

        var tz = await WaitForAsync(finished, a => a.Kind == ActivityKind.Server && a.DisplayName == "GET /api/v2/tz/data");
        Assert.Equal("/api/v2/tz/data", tz.GetTagItem("http.route"));
        Assert.Equal(200, tz.GetTagItem("http.response.status_code"));

        var missing = await WaitForAsync(finished, a => a.Kind == ActivityKind.Server && Equals(a.GetTagItem("url.path"), missingPath));
        Assert.Equal("/api/v2/{**path}", missing.GetTagItem("http.route"));
        Assert.Equal("GET /api/v2/{**path}", missing.DisplayName);
        Assert.Equal(404, missing.GetTagItem("http.response.status_code"));
    }

    private static async Task<Activity> WaitForAsync(ExportedItems<Activity> finished, Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (finished.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(10);
        }

        Assert.Fail($"No finished activity matched; saw: {string.Join(", ", finished.Select(a => a.DisplayName))}");
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
