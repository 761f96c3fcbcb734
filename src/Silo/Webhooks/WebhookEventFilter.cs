using System.Collections.Immutable;
using Orleans.Streams.Filtering;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Snapshots;

namespace Scheduling.Silo.Webhooks;

/// <summary>
/// The outbox stream provider's filter (Orleans' <see cref="IStreamFilter"/>, applied by the pulling agent before it
/// delivers): an appointment event of a company whose webhook subscriptions, as this silo holds them
/// (<see cref="LocalSnapshots"/>), want nothing of its type is passed over instead of handed to the fan-out grain, which
/// would find no subscriber in the same list and record nothing. Where the list is not held here the event is delivered
/// and the fan-out reads it. Every other stream (the e-mails' notices, anything else on the provider) is delivered.
/// </summary>
public sealed class WebhookEventFilter(LocalSnapshots snapshots, IGrainFactory grains) : IStreamFilter
{
    private static readonly byte[] AppointmentEventNamespace = System.Text.Encoding.UTF8.GetBytes(AppointmentEvent.StreamNamespace);

    public bool ShouldDeliver(StreamId streamId, object item, string? filterData) =>
        item is not AppointmentEvent appointmentEvent
        || !streamId.Namespace.Span.SequenceEqual(AppointmentEventNamespace)
        || !snapshots.TryGet<ImmutableArray<WebhookSubscription>>(snapshots.IdOf<IWebhookSubscriptionsGrain>(grains, appointmentEvent.CompanyId), out var subscriptions)
        || subscriptions.Any(s => s.Wants(appointmentEvent.Type));
}
