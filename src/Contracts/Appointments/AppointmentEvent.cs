using Orleans;


namespace Scheduling.Contracts.Appointments;

/// <summary>
/// An appointment change, published by the calendar that made it on stream <see cref="StreamNamespace"/>
/// keyed by that calendar's employee id, in the same transaction as the change (SPEC §9, DESIGN §7): webhooks read
/// these. One stream per calendar keeps each calendar's events (and so each appointment's, but for a move to another
/// employee) in the order it made them, while the stream provider delivers different calendars' events side by side:
/// one stream per company made a busy company's events wait in one line behind each other's database writes, and one
/// per appointment made every booking register a new stream and activate a new consumer (a third of a booking's CPU).
/// <see cref="Appointment"/> is the appointment after the change (for a delete: as it was, with the version the delete
/// gave it); <see cref="Previous"/> is where it was before a reschedule.
/// </summary>
/// <param name="PreviousStatus">The status before the change; null for a new appointment (and in events stored by earlier versions).</param>
/// <param name="Notices">What the change tells whom, as the account, service and employee were set when it was made; null
/// in events stored by earlier versions (readers then look the settings up).</param>
[GenerateSerializer]
[Alias("scheduling.appointment-event")]
[Immutable]
public sealed record AppointmentEvent(
    [Id(0)] string Type,
    [Id(1)] long CompanyId,
    [Id(2)] Appointment Appointment,
    [Id(3)] AppointmentPlace? Previous,
    [Id(4)] DateTimeOffset OccurredAt,
    [Id(5)] int? PreviousStatus = null,
    [Id(6)] AppointmentNotices? Notices = null)
{
    public const string StreamNamespace = "appointments";

    /// <summary>
    /// The changes that may send an e-mail or a text (a subset of <see cref="StreamNamespace"/>'s, published beside them in
    /// the same commit), read by the appointment's notifications grain alone.
    /// </summary>
    public const string NoticeStreamNamespace = "appointment-notices";

    /// <summary>The appointment's version after the change: consumers keep the highest they saw.</summary>
    public long Version => Appointment.Version;
}
