using Scheduling.ApiHost.Api;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Health;

/// <summary>/health/live (the process answers) and /health/ready (its storage is reachable), in the envelope.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/health");
        health.MapGet("/live", Live);
        health.MapGet("/ready", ReadyAsync);
        return endpoints;
    }

    private static IResult Live() => ApiEnvelope.Ok(new { status = "live" });

    private static async Task<IResult> ReadyAsync(IStorageHealth storage, IStateStore grainStorage, CancellationToken cancellationToken)
    {
        return await storage.IsReadyAsync(TimeSpan.FromSeconds(5), cancellationToken)
            ? ApiEnvelope.Ok(new { status = "ready", storage = grainStorage.ProviderName })
            : ApiEnvelope.Error(ApiStatus.InternalError, $"storage ({grainStorage.ProviderName}) is not reachable", StatusCodes.Status503ServiceUnavailable);
    }
}
