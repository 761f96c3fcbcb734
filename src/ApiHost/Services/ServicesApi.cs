namespace Scheduling.ApiHost.Services;

/// <summary>The Services endpoints (being built).</summary>
public static class ServicesApi
{
    public static IEndpointRouteBuilder MapServicesApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
