namespace Scheduling.ApiHost.Locations;

/// <summary>The Locations endpoints (being built).</summary>
public static class LocationsApi
{
    public static IEndpointRouteBuilder MapLocationsApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
