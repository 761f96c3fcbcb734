namespace Scheduling.ApiHost.Holidays;

/// <summary>The Holidays endpoints (being built).</summary>
public static class HolidaysApi
{
    public static IEndpointRouteBuilder MapHolidaysApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
