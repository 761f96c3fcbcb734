using Scheduling.Contracts.Webhooks;

namespace Scheduling.Grains.Webhooks;

/// <summary>What a company's webhook grain stores: its subscriptions, in creation order.</summary>
public sealed class WebhookSubscriptionsState
{
    public List<WebhookSubscription> Subscriptions { get; set; } = [];
}
