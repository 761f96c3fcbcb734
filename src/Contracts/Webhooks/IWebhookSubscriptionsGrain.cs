using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Scheduling.Contracts.Webhooks;

/// <summary>
/// The webhook subscriptions of one company, keyed by company id. Subscription ids come from the global id
/// generator; an id this grain does not hold is not found. Target URLs are checked (http(s), no private,
/// loopback or link-local address unless configured) on every create and modify.
/// </summary>
public interface IWebhookSubscriptionsGrain : IGrainWithIntegerKey
{
    /// <summary>Every subscription, in creation order.</summary>
    [ReadOnly]
    Task<ImmutableArray<WebhookSubscription>> ListAsync();

    /// <summary>The subscription, or null when this company has no subscription with that id.</summary>
    [ReadOnly]
    Task<WebhookSubscription?> GetAsync(long id);

    /// <summary>Creates a subscription; target URL and events are required, active defaults to on.</summary>
    Task<WebhookSubscription> CreateAsync(WebhookSubscriptionChange change);

    /// <summary>Changes what is given; throws NotFoundException when this company has no such subscription.</summary>
    Task<WebhookSubscription> UpdateAsync(long id, WebhookSubscriptionChange change);

    /// <summary>Deletes a subscription; throws NotFoundException when this company has no such subscription.</summary>
    Task DeleteAsync(long id);
}
