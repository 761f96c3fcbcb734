using System.Globalization;
using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Appointments;
using Scheduling.ApiHost.Availability;
using Scheduling.ApiHost.Idempotency;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Clients;
using Scheduling.Grains.TimeZones;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Widget;

/// <summary>
/// The JSON routes the public booking page (<c>/book/{nick_name}</c>) uses, with no session and no API key:
/// <c>GET /api/v2/public/{nick_name}/catalog</c> (what a visitor may book), <c>GET .../availability</c> (the free
/// times, computed by the same code as <c>GET /availability</c>) and <c>POST .../book</c> (booked by the same code as
/// <c>POST /appointment</c>; honours <c>Idempotency-Key</c>). Each route sees one account only, answers only what a
/// visitor may see (no clients, notes, e-mails or keys of the owner) and is rate-limited per visitor address.
/// </summary>
public static class PublicBookingApi
{
    // What a visitor may send when booking; everything else of POST /appointment (status, duration, note...) is the owner's.
    private static readonly string[] BookingFields =
    [
        AppointmentField.ServiceId, AppointmentField.LocationId, AppointmentField.EmployeeId, AppointmentField.StartDate,
        AppointmentField.Subservices, AppointmentField.ClientName, AppointmentField.ClientEmail, AppointmentField.ClientPhone,
        AppointmentField.CustomFields,
    ];

    private static readonly string[] AvailabilityFields = ["service_id", "location_id", "provider_id", "start_date", "t", "no_of_weeks", "subservices", "first_available"];

    public static IEndpointRouteBuilder MapPublicBookingApi(this IEndpointRouteBuilder endpoints)
    {
        var pages = endpoints.MapGroup("/api/v2/public/{nick_name}");
        pages.MapGet("/catalog", CatalogAsync);
        pages.MapGet("/availability", AvailabilityAsync);
        pages.MapPost("/book", BookAsync).WithIdempotency();
        return endpoints;
    }

    /// <summary>The account's bookable catalog: locations, the services and providers offered at each, the booking form and options.</summary>
    private static async Task<IResult> CatalogAsync(VisitorCall call)
    {
        var account = call.Account;
        var options = AccountSchemas.Options.Render(account.Options);
        var showPhotos = Flag(options, "show_staff_photo") || Flag(options, "show_provider_image");

        var services = new Dictionary<long, ServiceSnapshot>();
        foreach (var id in await call.Grains.GetGrain<IAccountGrain>(call.CompanyId).GetCatalogAsync(CatalogKind.Service))
        {
            if (await call.Grains.GetGrain<IServiceGrain>(id).GetAsync() is { Active: true } service && service.CompanyId == call.CompanyId)
            {
                services[id] = service;
            }
        }

        var providers = new Dictionary<long, EmployeeSnapshot>();
        foreach (var id in await call.Grains.GetGrain<IAccountGrain>(call.CompanyId).GetCatalogAsync(CatalogKind.Employee))
        {
            if (await call.Grains.GetGrain<ICalendarGrain>(id).GetAsync() is { Active: true } employee && employee.CompanyId == call.CompanyId)
            {
                providers[id] = employee;
            }
        }

        var locations = new List<object>();
        foreach (var id in await call.Grains.GetGrain<IAccountGrain>(call.CompanyId).GetCatalogAsync(CatalogKind.Location))
        {
            if (await call.Grains.GetGrain<ILocationGrain>(id).GetAsync() is not { } location || location.CompanyId != call.CompanyId)
            {
                continue;
            }

            var offers = location.Links
                .Where(l => providers.ContainsKey(l.EmployeeId))
                .Select(l => new { provider_id = l.EmployeeId, service_ids = l.ServiceIds.Where(s => services.TryGetValue(s, out var service) && !service.IsSubservice).ToArray() })
                .Where(o => o.service_ids.Length > 0)
                .ToList();
            if (offers.Count > 0)
            {
                locations.Add(new
                {
                    id = location.Id,
                    name = location.Values.GetText("name") ?? string.Empty,
                    address = Address(location),
                    timezone_id = location.TimeZoneId,
                    timezone = ZoneName(location.TimeZoneId),
                    offers,
                });
            }
        }

        var fields = (await call.Grains.GetGrain<ICustomFieldsGrain>(call.CompanyId).ListAsync())
            .Where(f => f.Status && f.OnBookingForm && f.Type != CustomFieldType.Hidden)
            .OrderBy(f => f.Order)
            .Select(f => new
            {
                id = f.Id,
                label = f.Label,
                type = (int)f.Type,
                required = f.Required,
                length = f.Length,
                options = f.Options,
                multiselect = f.Multiselect,
            });

        return ApiEnvelope.Ok(new Dictionary<string, object?>
        {
            ["company"] = new
            {
                name = CompanyName(account),
                nick_name = account.Profile.GetText("nick_name") ?? string.Empty,
                lang = account.Profile.GetText("lang") ?? "en",
                return_url = account.Profile.GetText("return_url") ?? string.Empty,
            },
            ["options"] = new
            {
                select_single_service = Flag(options, "select_single_service"),
                select_single_location = Flag(options, "select_single_location"),
                any_available_provider = Flag(options, "any_available_provider"),
                show_staff_photo = showPhotos,
                book_another_appointment = Flag(options, "book_another_appointment"),
                default_calendar_view = options["default_calendar_view"] is JsonElement { ValueKind: JsonValueKind.String } view ? view.GetString() : "d",
                hide_timezone_alert = Flag(options, "hide_timezone_alert"),
                show_in_host_or_client_time = Flag(options, "show_in_host_or_client_time"),
                currency = options["currency"] is JsonElement { ValueKind: JsonValueKind.String } currency ? currency.GetString() : "USD",
            },
            ["locations"] = locations,
            ["services"] = services.Values.Select(s => new
            {
                id = s.Id,
                name = s.Name,
                description = s.Values.GetText("description") ?? string.Empty,
                duration = s.DurationMinutes,
                price = s.Price,
                is_subservice = s.IsSubservice,
                require_addon = s.RequireAddon,
                subservices = s.SubServiceIds.Where(services.ContainsKey).ToArray(),
                photo = s.Photo?.Url,
            }),
            ["providers"] = providers.Values.Select(e => new
            {
                id = e.Id,
                name = ProviderName(e),
                job = e.Values.GetText("job") ?? string.Empty,
                photo = showPhotos ? e.Photo?.Url : null,
            }),
            ["custom_fields"] = fields,
        });
    }

    /// <summary>Free times as GET /availability answers them, in the visitor's zone (<c>tz</c>, a tz database name) or the location's.</summary>
    private static async Task<IResult> AvailabilityAsync(VisitorCall call, TimeProvider time)
    {
        var scoped = call.Scoped(AvailabilityFields, Zone(call.Request));
        await EnsureBookableAsync(scoped, scoped.Request.RequireId("service_id"));
        return await AvailabilityApi.GetAsync(scoped, time);
    }

    /// <summary>
    /// Books for the visitor: the fields of <see cref="BookingFields"/> only, the booking form always validated, the status as
    /// POST /appointment starts it. The confirmation e-mail with the self-service links follows from the appointment's
    /// event, as for every booking (AppointmentReminderGrain).
    /// </summary>
    private static async Task<IResult> BookAsync(
        VisitorCall call, IClientStore clients, IIdGenerator ids, CancellationToken cancellationToken)
    {
        var extra = new Dictionary<string, JsonElement>(Zone(call.Request)) { ["validate_custom_fields"] = FieldValues.Number(1) };
        if (call.Request.GetId(AppointmentField.EmployeeId) is null)
        {
            // 0 or absent: any available provider (the location's round robin).
            extra[AppointmentField.EmployeeId] = FieldValues.Number(0);
        }

        var scoped = call.Scoped(BookingFields, extra);
        var service = await EnsureBookableAsync(scoped, scoped.Request.RequireId(AppointmentField.ServiceId));
        var (appointment, zone) = await AppointmentsApi.BookAsync(scoped, clients, ids, cancellationToken);

        var summary = await AppointmentSummary.ReadAsync(call.Grains, call.Account, appointment);

        return ApiEnvelope.Ok(new Dictionary<string, object?>
        {
            ["appointment"] = summary.Render(zone.Id),
            ["widget_message"] = service.Values.GetText("widget_message") ?? string.Empty,
            ["return_url"] = call.Account.Profile.GetText("return_url") ?? string.Empty,
        });
    }

    /// <summary>The service must be the account's, active, and bookable on its own (add-ons come with a service).</summary>
    private static async Task<ServiceSnapshot> EnsureBookableAsync(ApiCall scoped, long serviceId)
    {
        var service = await AppointmentPlaces.ServiceAsync(scoped, serviceId);
        return service.Active && !service.IsSubservice ? service : throw new NotFoundException($"service {serviceId} not found");
    }

    /// <summary>The visitor's zone: <c>tz</c> (a tz database name, as browsers report it) or <c>timezone_id</c>; null: the location's.</summary>
    internal static int? VisitorZoneId(ApiRequest request)
    {
        if (request.GetString("tz", 64) is { Length: > 0 } name)
        {
            return TimeZoneTable.Embedded.TryFindByName(name, out var entry)
                ? entry.Id
                : throw ApiException.InvalidField("tz", $"'{name}' is not a known time zone");
        }

        return request.GetInt(AppointmentField.TimeZoneId) is { } id and not 0
            ? TimeZoneTable.Embedded.TryGet(id, out _) ? id : throw ApiException.InvalidField(AppointmentField.TimeZoneId, $"{id} is not a time zone id")
            : null;
    }

    /// <summary>The visitor's zone as the timezone_id field the shared booking and availability code reads.</summary>
    internal static IReadOnlyDictionary<string, JsonElement> Zone(ApiRequest request) =>
        VisitorZoneId(request) is { } id
            ? new Dictionary<string, JsonElement> { [AppointmentField.TimeZoneId] = FieldValues.Number(id) }
            : new Dictionary<string, JsonElement>();

    internal static string ZoneName(int timeZoneId) =>
        TimeZoneTable.Embedded.TryGet(timeZoneId, out var entry) ? entry.Name : TimeZoneTable.Embedded.Default.Name;

    internal static string CompanyName(AccountSnapshot account) =>
        account.Profile.GetText("company_name") is { Length: > 0 } name ? name : account.Profile.GetText("nick_name") ?? string.Empty;

    internal static string ProviderName(EmployeeSnapshot employee) =>
        $"{employee.Values.GetText("first_name")} {employee.Values.GetText("last_name")}".Trim();

    private static string Address(LocationSnapshot location) =>
        string.Join(", ", new[] { "street1", "street2", "city", "state", "zip", "country" }
            .Select(f => location.Values.GetText(f))
            .Where(v => !string.IsNullOrWhiteSpace(v)));

    private static bool Flag(IReadOnlyDictionary<string, object?> options, string name) => options[name] switch
    {
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.Number } number => number.GetDecimal() != 0,
        JsonElement { ValueKind: JsonValueKind.String } text => text.GetString() is "1" or "true",
        _ => false,
    };
}
