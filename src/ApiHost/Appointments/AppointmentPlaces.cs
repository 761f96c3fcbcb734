using System.Collections.Immutable;
using System.Globalization;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Availability;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Holidays;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Holidays;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.Appointments;

/// <summary>
/// Gathers what a calendar re-checks a booking with (SPEC §7/§8), from the caller's own account only: the service
/// (with its chosen add-ons), the location (given, else the account's first), the employee when one is named (it
/// must offer the service there), the zone, and whether a holiday covers the day. Another company's ids are 404.
/// </summary>
public static class AppointmentPlaces
{
    public static Task<ServiceSnapshot> ServiceAsync(ApiCall call, long serviceId) => Services.ServicesApi.LoadAsync(call, serviceId);

    /// <summary>The location named, or the account's only/first one (SPEC §8).</summary>
    public static async Task<LocationSnapshot> LocationAsync(ApiCall call, long? locationId)
    {
        if (locationId is { } id)
        {
            return await Locations.LocationsApi.LoadAsync(call, id);
        }

        foreach (var candidate in await call.Account.GetCatalogAsync(CatalogKind.Location))
        {
            if (await call.ReadAsync(candidate, (ILocationGrain l) => l.GetAsync()) is { } first && first.CompanyId == call.CompanyId)
            {
                return first;
            }
        }

        throw ApiException.InvalidField(AppointmentField.LocationId, "is required: the account has no location");
    }

    /// <summary>
    /// The employee, who must belong to the account and offer the service at the location. An employee the location
    /// offers the service with is one of the account's (assignments name the account's own employees only), and the
    /// calendar checks it again when it books: only a refusal asks the calendar whether the employee exists at all.
    /// </summary>
    public static async Task EnsureProviderAsync(ApiCall call, long employeeId, LocationSnapshot location, long serviceId)
    {
        if (location.Offers(employeeId, serviceId))
        {
            return;
        }

        if (await call.Grains.GetGrain<ICalendarGrain>(employeeId).GetAsync() is not { } employee || employee.CompanyId != call.CompanyId)
        {
            throw new NotFoundException($"employee {employeeId} not found");
        }

        throw new SlotNotAvailableException($"employee {employeeId} does not offer service {serviceId} at location {location.Id}");
    }

    /// <summary>
    /// The add-ons chosen (<c>subservices</c>: ids separated by commas, each an add-on of the service) and their
    /// minutes; a service with require_addon needs one.
    /// </summary>
    public static async Task<(string Text, int Minutes)> SubServicesAsync(ApiCall call, ServiceSnapshot service, string? text)
    {
        var ids = new List<long>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw ApiException.InvalidField(AppointmentField.Subservices, "must be service ids separated by commas");
            }

            if (!service.SubServiceIds.Contains(id))
            {
                throw ApiException.InvalidField(AppointmentField.Subservices, $"{id} is not an add-on of service {service.Id}");
            }

            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        if (ids.Count == 0 && service.RequireAddon && !service.SubServiceIds.IsEmpty)
        {
            throw ApiException.InvalidField(AppointmentField.Subservices, $"service {service.Id} requires an add-on");
        }

        var minutes = 0;
        foreach (var id in ids)
        {
            minutes += (await ServiceAsync(call, id)).DurationMinutes;
        }

        return (string.Join(',', ids), minutes);
    }

    /// <summary>The zone a request's times are read and shown in: its timezone_id, else <paramref name="fallback"/>.</summary>
    public static TimeZoneEntry Zone(ApiRequest request, int fallback)
    {
        var id = request.GetInt(AppointmentField.TimeZoneId) is { } given and not 0 ? given : fallback;
        return TimeZoneTable.Embedded.TryGet(id, out var entry)
            ? entry
            : throw ApiException.InvalidField(AppointmentField.TimeZoneId, $"{id} is not a time zone id (see GET /api/v2/tz/list)");
    }

    /// <summary>The request a calendar re-checks for a start at the location.</summary>
    public static async Task<SlotRequest> SlotAsync(ApiCall call, LocationSnapshot location, ServiceSnapshot service, int durationMinutes, DateTimeOffset start)
    {
        var zone = TimeZoneTable.Embedded.TryGet(location.TimeZoneId, out var entry) ? entry : TimeZoneTable.Embedded.Default;
        var date = zone.ToLocal(Instant.FromDateTimeOffset(start)).Date;
        return SlotRequestFor(location, service, durationMinutes, await HolidaysAsync(call), date, date);
    }

    /// <summary>The account's enabled holidays.</summary>
    public static async Task<HolidayCalendar> HolidaysAsync(ApiCall call) =>
        new(await call.ReadAsync(call.CompanyId, (IHolidayCalendarGrain h) => h.ListAsync()));

    /// <summary>What every calendar needs to answer for [from, to] at the location: one request for all of them.</summary>
    public static SlotRequest SlotRequestFor(LocationSnapshot location, ServiceSnapshot service, int durationMinutes, HolidayCalendar holidays, LocalDate from, LocalDate to)
    {
        var holidayDates = ImmutableArray.CreateBuilder<DateOnly>();
        if (holidays.Count > 0)
        {
            for (var date = from; date <= to; date = date.PlusDays(1))
            {
                if (holidays.Covers(date))
                {
                    holidayDates.Add(date.ToDateOnly());
                }
            }
        }

        return new SlotRequest(location.Id, service, durationMinutes, location.TimeZoneId, from.ToDateOnly(), to.ToDateOnly(), holidayDates.ToImmutable());
    }
}
