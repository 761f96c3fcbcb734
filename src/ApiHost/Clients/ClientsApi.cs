namespace Scheduling.ApiHost.Clients;

/// <summary>The Clients endpoints (being built).</summary>
public static class ClientsApi
{
    public static IEndpointRouteBuilder MapClientsApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
