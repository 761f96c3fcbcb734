using Microsoft.Extensions.DependencyInjection;

namespace Scheduling.Silo.Webhooks;

public static class WebhookDeliveryServices
{
    /// <summary>The delivery worker, its HTTP sender and its metrics. Requires the webhook targets (AddWebhookTargets) and the domain stores.</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddSingleton<WebhookTelemetry>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryService>());
        return services;
    }
}
