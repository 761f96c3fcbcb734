namespace Scheduling.ApiHost.Employees;

/// <summary>The Employees endpoints (being built).</summary>
public static class EmployeesApi
{
    public static IEndpointRouteBuilder MapEmployeesApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
