namespace Scheduling.ApiHost.CustomFields;

/// <summary>The CustomFields endpoints (being built).</summary>
public static class CustomFieldsApi
{
    public static IEndpointRouteBuilder MapCustomFieldsApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
