using System.Globalization;
using NodaTime;
using Scheduling.Contracts.Appointments;
using Scheduling.Grains.TimeZones;

namespace Scheduling.Grains.Appointments;

/// <summary>
/// An appointment as the API and the webhooks show it (GET /appointment/{id}): every reference field, times in
/// the appointment's zone (the location's when booked) or in the zone a read asks for (SPEC §6), with
/// <c>timezone_id</c>, <c>timezone_short</c> ("GMT -05:00") and <c>timezone_offset_seconds</c> of that zone.
/// </summary>
public static class AppointmentView
{
    /// <summary>"2019-09-01 12:00": how start_date and end_date are written.</summary>
    public static string FormatLocal(LocalDateTime local) => local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static IReadOnlyDictionary<string, object?> Render(Appointment appointment, int? timeZoneId = null, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var zone = TimeZoneTable.Embedded.TryGet(timeZoneId ?? appointment.TimeZoneId, out var entry) ? entry : TimeZoneTable.Embedded.Default;
        var start = Instant.FromDateTimeOffset(appointment.Start);
        var overrides = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [AppointmentField.Id] = appointment.Id,
            [AppointmentField.ClientId] = appointment.ClientId,
            [AppointmentField.CompanyId] = appointment.CompanyId,
            [AppointmentField.EmployeeId] = appointment.EmployeeId,
            [AppointmentField.LocationId] = appointment.LocationId,
            [AppointmentField.ServiceId] = appointment.ServiceId,
            [AppointmentField.StartDate] = FormatLocal(zone.ToLocal(start)),
            [AppointmentField.EndDate] = FormatLocal(zone.ToLocal(Instant.FromDateTimeOffset(appointment.End))),
            [AppointmentField.Length] = (long)(appointment.End - appointment.Start).TotalMilliseconds,
            [AppointmentField.DurationPadding] = (int)(appointment.BlockEnd - appointment.End).TotalMinutes,
            [AppointmentField.Status] = appointment.Status,
            [AppointmentField.LastUpdated] = Timestamp(zone, appointment.UpdatedAt),
            [AppointmentField.CreatedAt] = Timestamp(zone, appointment.CreatedAt),
            [AppointmentField.TimeZoneShort] = zone.ShortAt(start),
            [AppointmentField.TimeZoneOffsetSeconds] = zone.OffsetSecondsAt(start),
            [AppointmentField.TimeZoneId] = zone.Id,
        };
        if (extra is not null)
        {
            foreach (var (name, value) in extra)
            {
                overrides[name] = value;
            }
        }

        return AppointmentSchemas.Appointment.Render(appointment.Values, overrides);
    }

    /// <summary>Where an appointment was before a reschedule, as the webhook's <c>previous</c> shows it (in the appointment's zone).</summary>
    public static IReadOnlyDictionary<string, object?> RenderPlace(AppointmentPlace place, int timeZoneId)
    {
        var zone = TimeZoneTable.Embedded.TryGet(timeZoneId, out var entry) ? entry : TimeZoneTable.Embedded.Default;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [AppointmentField.StartDate] = FormatLocal(zone.ToLocal(Instant.FromDateTimeOffset(place.Start))),
            [AppointmentField.EndDate] = FormatLocal(zone.ToLocal(Instant.FromDateTimeOffset(place.End))),
            [AppointmentField.EmployeeId] = place.EmployeeId,
            [AppointmentField.LocationId] = place.LocationId,
            [AppointmentField.ServiceId] = place.ServiceId,
        };
    }

    /// <summary>The webhook body's <c>data</c> (SPEC §9): the appointment as GET shows it, plus <c>previous</c> on a reschedule.</summary>
    public static IReadOnlyDictionary<string, object?> EventData(AppointmentEvent appointmentEvent) =>
        Render(appointmentEvent.Appointment, extra: appointmentEvent.Previous is { } previous
            ? new Dictionary<string, object?> { ["previous"] = RenderPlace(previous, appointmentEvent.Appointment.TimeZoneId) }
            : null);

    private static string Timestamp(TimeZoneEntry zone, DateTimeOffset instant) =>
        zone.ToLocal(Instant.FromDateTimeOffset(instant)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
