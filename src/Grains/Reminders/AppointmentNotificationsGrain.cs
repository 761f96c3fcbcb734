using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Reminders;
using Scheduling.Contracts.Webhooks;
using Scheduling.Runtime;
using Scheduling.Runtime.Streams;

namespace Scheduling.Grains.Reminders;

/// <summary>
/// A subscriber of the "appointments" stream (keyed by the stream key, the appointment's id):
/// hands each change to the appointment's own <see cref="IAppointmentReminderGrain"/>, which de-duplicates by the
/// appointment's version, so a redelivered event changes nothing and sends nothing twice. Its own
/// <c>appointment.reminder</c> events come back on the stream and are passed over.
/// </summary>
[ImplicitStreamSubscription(AppointmentEvent.StreamNamespace)]
public sealed class AppointmentNotificationsGrain : Grain, IAsyncObserver<AppointmentEvent>
{
    public async Task OnNextAsync(AppointmentEvent item, StreamSequenceToken? token = null)
    {
        if (item.Type == WebhookEvents.Reminder)
        {
            return;
        }

        // A stale activation of the appointment's grain (another silo wrote it) wrote nothing; a fresh one re-decides.
        await StaleActivation.RetryAsync(async () =>
        {
            await GrainFactory.GetGrain<IAppointmentReminderGrain>(item.Appointment.Id).ObserveAsync(item);
            return true;
        });

        // One activation per appointment, holding nothing: gone at once rather than kept idle for the collection age.
        DeactivateOnIdle();
    }
}
