using Orleans.Streams.Filtering;
using Scheduling.Contracts.Appointments;
using Scheduling.Grains.Snapshots;
using Scheduling.Grains.Webhooks;

namespace Scheduling.Silo.Webhooks;

/// <summary>
/// The outbox stream provider's filter (Orleans' <see cref="IStreamFilter"/>, applied by the pulling agent before it
/// delivers): an appointment event that <see cref="WebhookInterest"/> says no webhook of its company wants (from the
/// subscriptions this silo holds) is passed over instead of handed to the fan-out grain, which would find no subscriber
/// in the same list and record nothing. Every other stream (the e-mails' notices, anything else on the provider) is
/// delivered.
/// </summary>
public sealed class WebhookEventFilter(LocalSnapshots snapshots, IGrainFactory grains) : IStreamFilter
{
    private static readonly byte[] AppointmentEventNamespace = System.Text.Encoding.UTF8.GetBytes(AppointmentEvent.StreamNamespace);

    public bool ShouldDeliver(StreamId streamId, object item, string? filterData) =>
        item is not AppointmentEvent appointmentEvent
        || !streamId.Namespace.Span.SequenceEqual(AppointmentEventNamespace)
        || WebhookInterest.MayWant(snapshots, grains, appointmentEvent.CompanyId, appointmentEvent.Type);
}
