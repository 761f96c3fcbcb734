using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Scheduling.Grains.Storage;

namespace Scheduling.Silo.Hosting;

/// <summary>
/// The worker silo serves no API, but orchestrators and scripts need something to probe: its Kestrel
/// answers <c>/health/live</c> and <c>/health/ready</c> and nothing else.
/// </summary>
public static class WorkerHealth
{
    /// <summary>Where the worker listens unless <c>--urls</c>, ASPNETCORE_URLS / _HTTP_PORTS or a Kestrel endpoint says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5090";

    public static WebApplicationBuilder AddWorkerHealth(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"])
            && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"])
            && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapWorkerHealth(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/health");
        health.MapGet("/live", Live);
        health.MapGet("/ready", ReadyAsync);
        return endpoints;
    }

    private static IResult Live(IOptions<WorkerOptions> runtime) =>
        Results.Json(new { status = "live", silo = runtime.Value.SiloName });

    /// <summary>Ready: started, not stopping, storage reachable; 503 otherwise, so a draining worker reads as not ready.</summary>
    private static async Task<IResult> ReadyAsync(
        IStorageHealth storage,
        IStateStore grainStorage,
        IOptions<WorkerOptions> runtime,
        IHostApplicationLifetime lifetime,
        CancellationToken cancellationToken)
    {
        var silo = runtime.Value;
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Results.Json(new { status = "stopping", silo = silo.SiloName }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return await storage.IsReadyAsync(TimeSpan.FromSeconds(5), cancellationToken)
            ? Results.Json(new { status = "ready", silo = silo.SiloName, storage = grainStorage.ProviderName, workers = silo.Enabled })
            : Results.Json(
                new { status = "storage unreachable", silo = silo.SiloName, storage = grainStorage.ProviderName },
                statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
