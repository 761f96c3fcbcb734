namespace Scheduling.ApiHost.Subscriptions;

/// <summary>The Subscriptions endpoints (being built).</summary>
public static class SubscriptionsApi
{
    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
