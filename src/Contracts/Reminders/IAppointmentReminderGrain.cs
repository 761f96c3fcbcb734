using Orleans.Concurrency;
using Orleans;
using Scheduling.Contracts.Appointments;

namespace Scheduling.Contracts.Reminders;

/// <summary>
/// One appointment's notifications, keyed by appointment id: the e-mails its changes cause (confirmation,
/// verification, reschedule, cancellation, decline), kept until sent, and its reminder's firing. The reminder (due
/// <c>send_reminder</c> hours before the start) is registered for this grain by the calendar, in the write of the change
/// that books, moves, cancels or deletes the appointment. Fed by the "appointments" stream (DESIGN §7) with the changes
/// that may send something; the reminder raises <c>appointment.reminder</c> on that stream when it fires.
/// </summary>
public interface IAppointmentReminderGrain : IGrainWithIntegerKey
{
    /// <summary>Queues the e-mails an appointment change causes; changes at or below the highest version queued are ignored (redeliveries, late duplicates).</summary>
    Task ObserveAsync(AppointmentEvent appointmentEvent);

    /// <summary>
    /// Sends the reminder now (POST /appointment/sendReminder) to the chosen recipients; throws NotFoundException
    /// when the appointment is not the company's. Returns who was sent to.
    /// </summary>
    Task<ReminderRecipients> SendNowAsync(long companyId, ReminderRecipients recipients);

    /// <summary>When the reminder is due, or null when none is pending.</summary>
    [ReadOnly]
    Task<DateTimeOffset?> GetDueAtAsync();
}

/// <summary>Who gets a reminder (the reference's <c>send_to</c>).</summary>
[GenerateSerializer]
[Alias("scheduling.reminder-recipients")]
[Flags]
public enum ReminderRecipients
{
    None = 0,
    Client = 1,
    Provider = 2,
    Both = Client | Provider,
}
