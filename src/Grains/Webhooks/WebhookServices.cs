using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Scheduling.Grains.Webhooks;

/// <summary>Registers what webhook subscriptions and their delivery share: the settings, the target guard and the signal that wakes the delivery worker.</summary>
public static class WebhookServices
{
    public static IServiceCollection AddWebhookTargets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName));
        services.TryAddSingleton<IHostAddressResolver, DnsHostAddressResolver>();
        services.TryAddSingleton<WebhookTargetGuard>();
        services.TryAddSingleton<WebhookDeliverySignal>();
        return services;
    }
}
