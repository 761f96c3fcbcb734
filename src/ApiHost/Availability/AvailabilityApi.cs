using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Appointments;
using Scheduling.ApiHost.Employees;
using Scheduling.Contracts.Availability;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Holidays;
using Scheduling.Grains.Telemetry;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.Availability;

/// <summary>
/// GET /availability and GET /employee/getAvailability (SPEC §7). The API gathers what the calendars do
/// not own (service, add-ons, location, holidays, zone) once, asks every candidate employee's calendar for
/// its slots (in grain memory), and shapes the union as times, boxes and seats.
/// </summary>
public static class AvailabilityApi
{
    public const int BoxMinutes = 5;

    /// <summary>How far first_available looks when the service sets no after_notice.</summary>
    public const int FirstAvailableDays = 365;

    public static IEndpointRouteBuilder MapAvailabilityApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v2/availability", GetAsync).AddEndpointFilter(Timed("availability"));
        endpoints.MapGet("/api/v2/employee/getAvailability", GetEmployeeAsync).AddEndpointFilter(Timed("employee_availability"));
        return endpoints;
    }

    /// <summary>Records each answer's duration (errors included) as <c>scheduling_availability_duration_seconds</c>.</summary>
    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Timed(string endpoint) =>
        async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await next(context);
            }
            finally
            {
                BookingTelemetry.AvailabilityAnswered(endpoint, Stopwatch.GetElapsedTime(started));
            }
        };

    /// <summary>GET /availability; the public booking page asks through it too.</summary>
    internal static async Task<IResult> GetAsync(ApiCall call, TimeProvider time)
    {
        var request = call.Request;
        var service = await AppointmentPlaces.ServiceAsync(call, request.RequireId("service_id"));
        var duration = service.DurationMinutes + (await AppointmentPlaces.SubServicesAsync(call, service, request.GetString("subservices"))).Minutes;
        var location = await AppointmentPlaces.LocationAsync(call, request.GetId("location_id"));
        var employees = await CandidatesAsync(call, location, service.Id);
        var start = HolidayDates.Parse(request.RequireString("start_date", 32), "start_date");
        var days = Days(request);
        var outputZone = AppointmentPlaces.Zone(request, location.TimeZoneId);
        var holidays = await AppointmentPlaces.HolidaysAsync(call);

        var slots = await SlotsAsync(call, employees, location, service, duration, holidays, start, days);
        if (slots.Count == 0 && (request.GetBool("first_available") ?? false))
        {
            var limit = start.PlusDays(service.AfterNoticeDays > 0 ? service.AfterNoticeDays : FirstAvailableDays);
            for (var from = start.PlusDays(days); from <= limit && slots.Count == 0; from = from.PlusDays(days))
            {
                slots = await SlotsAsync(call, employees, location, service, duration, holidays, from, days);
                if (slots.Count > 0)
                {
                    start = from;
                }
            }
        }

        var totalSeats = request.GetBool("total_seats") ?? false;
        var union = Union(slots, totalSeats);
        var answer = new Dictionary<string, object?>
        {
            ["interval"] = duration,
            ["day"] = start.Day,
            ["month"] = start.Month,
            ["year"] = start.Year,
        };

        var shown = Convert(union, TimeZoneTable.Embedded.Get(location.TimeZoneId).Zone, outputZone.Zone, start, days);
        if (string.Equals(request.GetString("return", 16) ?? "times", "boxes", StringComparison.OrdinalIgnoreCase))
        {
            answer["boxInterval"] = BoxMinutes;
            answer["padding"] = service.PaddingMinutes;
            answer["boxes"] = shown.ToDictionary(d => Key(d.Key), d => d.Value.ToDictionary(s => ((s.Key.Hour * 60 + s.Key.Minute) / BoxMinutes).ToString(CultureInfo.InvariantCulture), s => s.Value));
        }
        else
        {
            answer["times"] = shown.ToDictionary(d => Key(d.Key), d => d.Value.Keys.Select(Time).ToList());
        }

        if ((request.GetBool("available_seats") ?? false) || totalSeats)
        {
            answer["seats"] = shown.ToDictionary(d => Key(d.Key), d => d.Value.ToDictionary(s => Time(s.Key), s => s.Value));
        }

        answer["timezone_id"] = outputZone.Id;
        return ApiEnvelope.Ok(answer);
    }

    /// <summary>One employee between two dates, as boxes: where the service (or, without one, any 5 minutes) can start.</summary>
    private static async Task<IResult> GetEmployeeAsync(ApiCall call, TimeProvider time)
    {
        var request = call.Request;
        var employee = await EmployeesApi.LoadAsync(call, request.RequireId("employee_id"));
        var location = await AppointmentPlaces.LocationAsync(call, request.GetId("location_id"));
        var start = HolidayDates.Parse(request.RequireString("start_date", 32), "start_date");
        var end = HolidayDates.Parse(request.GetString("end_date", 32) ?? request.RequireString("start_date", 32), "end_date");
        if (end < start || Period.Between(start, end, PeriodUnits.Days).Days > 62)
        {
            throw ApiException.InvalidField("end_date", "must be on or after start_date and at most 62 days later");
        }

        var service = request.GetId("service_id") is { } serviceId ? await AppointmentPlaces.ServiceAsync(call, serviceId) : FreeTime(call.CompanyId);
        var duration = request.GetId("service_id") is null
            ? BoxMinutes
            : service.DurationMinutes + (await AppointmentPlaces.SubServicesAsync(call, service, request.GetString("subservices"))).Minutes;
        var holidays = await AppointmentPlaces.HolidaysAsync(call);
        var days = Period.Between(start, end, PeriodUnits.Days).Days + 1;
        var slots = await SlotsAsync(call, [employee.Id], location, service, duration, holidays, start, days);
        var boxes = Union(slots, totalSeats: false)
            .GroupBy(s => s.Key.Date)
            .OrderBy(g => g.Key)
            .ToDictionary(g => Key(g.Key), g => g.OrderBy(s => s.Key).ToDictionary(s => (((s.Key.Hour * 60) + s.Key.Minute) / BoxMinutes).ToString(CultureInfo.InvariantCulture), s => s.Value));
        return ApiEnvelope.Ok(new Dictionary<string, object?>
        {
            ["start_date"] = HolidayDates.StartOfDay(start),
            ["end_date"] = HolidayDates.EndOfDay(end),
            ["boxInterval"] = BoxMinutes,
            ["boxes"] = boxes,
        });
    }

    // Every candidate's slots for [from, from + days), each tagged with its employee.
    private static async Task<List<(long Employee, SlotTime Slot)>> SlotsAsync(
        ApiCall call, IReadOnlyList<long> employees, LocationSnapshot location, ServiceSnapshot service, int duration,
        HolidayCalendar holidays, LocalDate from, int days)
    {
        var request = AppointmentPlaces.SlotRequestFor(location, service, duration, holidays, from, from.PlusDays(days - 1));
        var answers = await Task.WhenAll(employees.Select(id => call.Grains.GetGrain<ICalendarGrain>(id).GetSlotsAsync(request)));
        var slots = new List<(long, SlotTime)>();
        for (var i = 0; i < employees.Count; i++)
        {
            slots.AddRange(answers[i].Select(s => (employees[i], s)));
        }

        return slots;
    }

    // Per start: the seats of the first employee (in the location's order) free then, or the sum over all of them.
    private static SortedDictionary<LocalDateTime, int> Union(List<(long Employee, SlotTime Slot)> slots, bool totalSeats)
    {
        var union = new SortedDictionary<LocalDateTime, int>();
        foreach (var (_, slot) in slots)
        {
            var start = LocalDate.FromDateOnly(slot.Date).At(LocalTime.FromMinutesSinceMidnight(slot.Minute));
            if (!union.TryGetValue(start, out var seats))
            {
                union[start] = slot.FreeSeats;
            }
            else if (totalSeats)
            {
                union[start] = seats + slot.FreeSeats;
            }
        }

        return union;
    }

    // Slots from the location's zone into the requested one, grouped by (converted) day; every day of the interval appears.
    private static SortedDictionary<LocalDate, SortedDictionary<LocalTime, int>> Convert(
        SortedDictionary<LocalDateTime, int> union, DateTimeZone from, DateTimeZone to, LocalDate start, int days)
    {
        var shown = new SortedDictionary<LocalDate, SortedDictionary<LocalTime, int>>();
        for (var i = 0; i < days; i++)
        {
            shown[start.PlusDays(i)] = [];
        }

        foreach (var (local, seats) in union)
        {
            var moved = ReferenceEquals(from, to) || from.Id == to.Id
                ? local
                : from.AtLeniently(local).WithZone(to).LocalDateTime;
            if (!shown.TryGetValue(moved.Date, out var day))
            {
                shown[moved.Date] = day = [];
            }

            day[moved.TimeOfDay] = seats;
        }

        return shown;
    }

    // The provider asked for (when it offers the service here), else every active employee who does, in order. One
    // the location offers the service with is the account's own; any other is looked up, so another tenant's is 404.
    private static async Task<IReadOnlyList<long>> CandidatesAsync(ApiCall call, LocationSnapshot location, long serviceId)
    {
        if (call.Request.GetId("provider_id") is { } provider)
        {
            if (location.Offers(provider, serviceId))
            {
                return [provider];
            }

            await EmployeesApi.LoadAsync(call, provider);
            return [];
        }

        return [.. location.ProvidersOf(serviceId)];
    }

    private static int Days(ApiRequest request)
    {
        if (request.GetInt("no_of_weeks") is { } weeks)
        {
            return weeks is >= 1 and <= 5 ? weeks * 7 : throw ApiException.InvalidField("no_of_weeks", "must be between 1 and 5");
        }

        return (request.GetString("t", 16) ?? "daily").ToLowerInvariant() switch
        {
            "daily" => 1,
            "weekly" => 7,
            _ => throw ApiException.InvalidField("t", "must be daily or weekly"),
        };
    }

    // A stand-in service for "free time": 5-minute starts with nothing else applied.
    private static ServiceSnapshot FreeTime(long companyId) => new()
    {
        Id = 0,
        CompanyId = companyId,
        CreatedAt = DateTimeOffset.UnixEpoch,
        Values = ImmutableDictionary<string, System.Text.Json.JsonElement>.Empty,
        Name = "free time",
        DurationMinutes = BoxMinutes,
        PaddingMinutes = 0,
        StartStepMinutes = BoxMinutes,
        PriorNoticeHours = 0,
        AfterNoticeDays = 0,
        CancelAppointmentHours = 0,
        RescheduleAppointmentHours = 0,
        SendReminderHours = 0,
        Seats = 1,
        MaxClients = 1,
        AutoConfirm = false,
        IsSubservice = false,
        RequireAddon = false,
        SubServiceIds = [],
        Active = true,
        ActiveIntervalStatus = false,
        SetSchedule = false,
        Schedule = [],
        Price = 0,
        PaymentMinAmount = 0,
        AllowCashPayment = false,
    };

    private static string Key(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(LocalTime time) => time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
