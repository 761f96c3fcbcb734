using System.Collections.Immutable;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Snapshots;

namespace Scheduling.Grains.Webhooks;

/// <summary>
/// Whether a company's webhooks may want an event of a type: false only when this silo holds the company's subscriptions
/// (<see cref="LocalSnapshots"/>) and none of them wants it. Publishers ask before they put an appointment event in the
/// outbox, and the outbox stream's filter asks again before the fan-out; where the list is not held here the event goes
/// on and the fan-out reads the list. An event is thus recorded for the subscriptions that want it when it is made.
/// </summary>
public static class WebhookInterest
{
    public static bool MayWant(LocalSnapshots snapshots, IGrainFactory grains, long companyId, string eventType)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        return !snapshots.TryGet<ImmutableArray<WebhookSubscription>>(snapshots.IdOf<IWebhookSubscriptionsGrain>(grains, companyId), out var subscriptions)
            || subscriptions.Any(s => s.Wants(eventType));
    }
}
