using NodaTime;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.Widget;

/// <summary>
/// What the holder of an appointment sees of it on the public pages: names of the service, location and provider,
/// the times in the location's zone (and another zone when asked), the status. Never the client record, notes,
/// custom field answers or anybody's e-mail.
/// </summary>
public sealed record AppointmentSummary(Appointment Appointment, string Company, string Service, string Location, string Provider)
{
    public static async Task<AppointmentSummary> ReadAsync(IGrainFactory grains, AccountSnapshot account, Appointment appointment)
    {
        var service = await grains.GetGrain<IServiceGrain>(appointment.ServiceId).GetAsync();
        var location = await grains.GetGrain<ILocationGrain>(appointment.LocationId).GetAsync();
        var employee = await grains.GetGrain<ICalendarGrain>(appointment.EmployeeId).GetAsync();
        return new AppointmentSummary(
            appointment,
            PublicBookingApi.CompanyName(account),
            service?.Name ?? string.Empty,
            location?.Values.GetText("name") ?? string.Empty,
            employee is null ? string.Empty : PublicBookingApi.ProviderName(employee));
    }

    /// <summary>The start as "yyyy-MM-dd HH:mm" in a zone.</summary>
    public string LocalStart(int timeZoneId) => AppointmentView.FormatLocal(Entry(timeZoneId).ToLocal(Instant.FromDateTimeOffset(Appointment.Start)));

    /// <summary>The summary's fields; <c>visitor_*</c> show the times in <paramref name="visitorZoneId"/> too.</summary>
    public IReadOnlyDictionary<string, object?> Render(int? visitorZoneId = null)
    {
        var location = Entry(Appointment.TimeZoneId);
        var end = Instant.FromDateTimeOffset(Appointment.End);
        var data = new Dictionary<string, object?>
        {
            ["id"] = Appointment.Id,
            ["status"] = Appointment.Status,
            ["company"] = Company,
            ["service_id"] = Appointment.ServiceId,
            ["service"] = Service,
            ["location_id"] = Appointment.LocationId,
            ["location"] = Location,
            ["provider_id"] = Appointment.EmployeeId,
            ["provider"] = Provider,
            ["client_name"] = Appointment.Values.GetText(AppointmentField.ClientName) ?? string.Empty,
            ["start_date"] = LocalStart(location.Id),
            ["end_date"] = AppointmentView.FormatLocal(location.ToLocal(end)),
            ["duration"] = Appointment.DurationMinutes,
            ["timezone_id"] = location.Id,
            ["timezone"] = location.Name,
            ["start_utc"] = Appointment.Start.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (visitorZoneId is { } id)
        {
            var visitor = Entry(id);
            data["visitor_start_date"] = LocalStart(visitor.Id);
            data["visitor_timezone_id"] = visitor.Id;
            data["visitor_timezone"] = visitor.Name;
        }

        return data;
    }

    private static TimeZoneEntry Entry(int id) => TimeZoneTable.Embedded.TryGet(id, out var entry) ? entry : TimeZoneTable.Embedded.Default;
}
