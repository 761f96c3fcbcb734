using Microsoft.Extensions.Logging;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Snapshots;
using Scheduling.Grains.Storage;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Scheduling.Grains.Webhooks;

/// <summary>
/// Turns a company's appointment events into deliveries: one per subscription that wants the event, recorded
/// with its body. The stream delivers at least once; the store keeps one delivery per (event id, subscription),
/// so a repeated event adds nothing. Any event type on the stream is handled alike (reminders included).
/// </summary>
[ImplicitStreamSubscription(AppointmentEvent.StreamNamespace)]
public sealed class WebhookFanOutGrain(
    IWebhookDeliveryStore deliveries,
    IIdGenerator ids,
    WebhookDeliverySignal signal,
    LocalSnapshots snapshots,
    TimeProvider time,
    ILogger<WebhookFanOutGrain> logger) : Grain, IWebhookFanOutGrain, IStreamSubscriptionObserver, IAsyncObserver<AppointmentEvent>
{
    /// <summary>The implicit subscription to the appointment's stream: resumed on every activation.</summary>
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        return handleFactory.Create<AppointmentEvent>().ResumeAsync(this);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public async Task OnNextAsync(AppointmentEvent item, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(item);

        // The event id is what makes retries of the stream harmless and what receivers de-duplicate by.
        var eventId = (token as OutboxSequenceToken)?.EventId ?? throw new ArgumentNullException(nameof(token), "webhook deliveries need the stream's event id");
        // One activation per calendar (the stream key), kept while the calendar books; the collection age retires it.
        var subscriptions = await snapshots.ReadAsync(GrainFactory, item.CompanyId, (IWebhookSubscriptionsGrain s) => s.ListAsync());
        var subscribers = subscriptions.Where(s => s.Wants(item.Type)).ToList();
        if (subscribers.Count == 0)
        {
            return;
        }

        // Read when the event is recorded, so every attempt sends the same bytes.
        var employee = await GrainFactory.GetGrain<ICalendarGrain>(item.Appointment.EmployeeId).GetAsync();
        var body = WebhookPayload.Build(eventId, item, employee?.Email ?? string.Empty);
        var added = 0;
        foreach (var subscription in subscribers)
        {
            var delivery = WebhookDelivery.New(await ids.NextIdAsync(), item.CompanyId, subscription.Id, eventId, item.Type, body, item.OccurredAt, time.GetUtcNow());
            if (await deliveries.AddAsync(delivery, CancellationToken.None))
            {
                added++;
            }
        }

        if (added > 0)
        {
            logger.LogDebug("Event {EventId} ({EventType}) of company {CompanyId}: {Count} webhook deliveries recorded", eventId, item.Type, item.CompanyId, added);
            signal.Signal();
        }
    }
}

/// <summary>
/// The fan-out grain's identity: keyed by the calendar's employee id like the stream it subscribes to (Orleans maps the stream key to
/// an integer grain key through the grain's interface). Nothing calls it; the stream provider activates it.
/// </summary>
public interface IWebhookFanOutGrain : IGrainWithIntegerKey;
