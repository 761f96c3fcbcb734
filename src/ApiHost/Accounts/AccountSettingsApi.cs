namespace Scheduling.ApiHost.Accounts;

/// <summary>The AccountSettings endpoints (being built).</summary>
public static class AccountSettingsApi
{
    public static IEndpointRouteBuilder MapAccountSettingsApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
