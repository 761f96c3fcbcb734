using Scheduling.Contracts.Appointments;
using Scheduling.Runtime;

namespace Scheduling.Contracts.Reminders;

/// <summary>
/// One appointment's notifications, keyed by appointment id: its durable reminder (due <c>send_reminder</c> hours
/// before the start; moved by a reschedule, removed by a cancel or delete) and the e-mails its changes cause
/// (confirmation, verification, reschedule, cancellation, decline), kept until sent. Fed by the "appointments"
/// stream (DESIGN §7); the reminder raises <c>appointment.reminder</c> on that stream when it fires.
/// </summary>
public interface IAppointmentReminderGrain : IGrainWithIntegerKey
{
    /// <summary>Applies an appointment change; changes at or below the highest version seen are ignored (redeliveries, late duplicates).</summary>
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
[Flags]
public enum ReminderRecipients
{
    None = 0,
    Client = 1,
    Provider = 2,
    Both = Client | Provider,
}
