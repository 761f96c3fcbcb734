using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Appointments;
using Scheduling.ApiHost.Catalog;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Directory;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Calendars;
using Scheduling.Grains.TimeZones;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Employees;

/// <summary>
/// Employees (providers): CRUD, links, working hours (assignAvailability), photo, order, nicknames.
/// The account's max_providers (0 = unlimited) caps its active employees. Deleting an employee unlinks
/// it from every location and frees its nickname.
/// </summary>
public static class EmployeesApi
{
    private const int MinPasswordLength = 8;
    private const string AssignExample = "{\"LOCATION_ID\": [SERVICE_ID, ...]} or {\"0\": [SERVICE_ID, ...]} for every location";

    public static IEndpointRouteBuilder MapEmployeesApi(this IEndpointRouteBuilder endpoints)
    {
        var employees = endpoints.MapGroup("/api/v2/employee");
        employees.MapGet("/", ListAsync);
        employees.MapGet("/{id}", GetAsync);
        employees.MapPost("/", CreateAsync);
        employees.MapPut("/{id}", UpdateAsync);
        employees.MapDelete("/{id}", DeleteAsync);
        employees.MapPut("/{id}/assignAvailability", AssignAvailabilityAsync);
        employees.MapGet("/getAvailabilityTime", AllAvailabilityTimesAsync);
        employees.MapGet("/getAvailabilityTime/{id}", AvailabilityTimeAsync);
        employees.MapPost("/assignServices", AssignServicesAsync);
        employees.MapPost("/uploadPhoto", UploadPhotoAsync);
        employees.MapPost("/removePhoto", RemovePhotoAsync);
        employees.MapPost("/updateOrder", (ApiCall call) => AccountCatalog.ReorderAsync(call, CatalogKind.Employee, "employee"));
        employees.MapGet("/checknickname/{nickname}", CheckNicknameAsync);
        employees.MapGet("/sync/{id}", SyncAsync);
        return endpoints;
    }

    /// <summary>The employee of the caller's tenant, or 404 (also for other tenants' ids).</summary>
    public static async Task<EmployeeSnapshot> LoadAsync(ApiCall call, long id) =>
        await call.Grains.GetGrain<ICalendarGrain>(id).GetAsync() is { } employee && employee.CompanyId == call.CompanyId
            ? employee
            : throw new NotFoundException($"employee {id} not found");

    /// <summary>GET /employee: active employees unless statuses=all or a status filter says otherwise.</summary>
    private static async Task<IResult> ListAsync(ApiCall call)
    {
        var request = call.Request;
        var filter = CatalogFilter.Bind(EmployeeSchemas.Employee, request);
        var id = request.GetId("id");
        var statuses = request.GetString("statuses", 16)?.Trim();
        if (statuses is { Length: > 0 } && !statuses.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.InvalidField("statuses", "must be \"all\"");
        }

        var onlyActive = statuses is not { Length: > 0 } && request.GetString("status", 16) is not { Length: > 0 };
        var includeLinks = request.GetBool("include_links") ?? false;
        var page = request.GetPage();
        var employees = await AccountCatalog.LoadAsync(call, CatalogKind.Employee, e => call.Grains.GetGrain<ICalendarGrain>(e).GetAsync());
        var locations = includeLinks ? await CatalogLinks.LocationsAsync(call) : null;
        var rows = employees
            .Where(e => (id is null || e.Item.Id == id) && (!onlyActive || e.Item.Active))
            .Where(e => filter.Matches(ViewValues(e.Item, e.Ord)));
        return ApiEnvelope.Ok(page.Apply(rows).Select(e => Render(e.Item, e.Ord, locations)).ToList());
    }

    private static async Task<IResult> GetAsync(string id, ApiCall call) =>
        await RespondAsync(call, await LoadAsync(call, AccountCatalog.ParseId(id)));

    private static async Task<IResult> CreateAsync(ApiCall call, IIdGenerator ids)
    {
        var values = EmployeeSchemas.Employee.Bind(call.Request.Fields, create: true);
        var password = Password(call.Request);
        var account = await call.AccountAsync() ?? throw new NotFoundException($"no account {call.CompanyId}");
        var others = await AccountCatalog.LoadAsync(call, CatalogKind.Employee, e => call.Grains.GetGrain<ICalendarGrain>(e).GetAsync());
        CheckEmailUnique(values, others.Select(o => o.Item), self: null);
        if (values.GetBool("status") ?? true)
        {
            CheckProviderLimit(account, others.Count(o => o.Item.Active));
        }

        var id = await ids.NextIdAsync();
        var applyLinks = await CatalogLinks.PrepareAsync(call, (links, document) => links.ForEmployee(id, document, "links"));
        var nickname = values.GetText("nickname") is { Length: > 0 } nick ? await ClaimNicknameAsync(call, nick, id) : null;
        EmployeeSnapshot created;
        try
        {
            created = await call.Grains.GetGrain<ICalendarGrain>(id).CreateAsync(call.CompanyId, values, password);
        }
        catch
        {
            await ReleaseNicknameAsync(call, nickname, id);
            throw;
        }

        await call.Account.AddCatalogEntryAsync(CatalogKind.Employee, id);
        await applyLinks();
        return await RespondAsync(call, created);
    }

    private static async Task<IResult> UpdateAsync(string id, ApiCall call, HttpContext context)
    {
        var employee = await LoadAsync(call, AccountCatalog.ParseId(id));
        var changes = EmployeeSchemas.Employee.Bind(call.Request.Fields, create: false);
        var password = Password(call.Request);
        var others = (await AccountCatalog.LoadAsync(call, CatalogKind.Employee, e => call.Grains.GetGrain<ICalendarGrain>(e).GetAsync()))
            .Select(o => o.Item).Where(o => o.Id != employee.Id).ToList();
        CheckEmailUnique(changes, others, employee.Id);
        if (!employee.Active && changes.GetBool("status") == true)
        {
            var account = await call.AccountAsync() ?? throw new NotFoundException($"no account {call.CompanyId}");
            CheckProviderLimit(account, others.Count(o => o.Active));
        }

        var applyLinks = await CatalogLinks.PrepareAsync(call, (links, document) => links.ForEmployee(employee.Id, document, "links"));
        var newNickname = changes.GetText("nickname") is { } nick && !string.Equals(nick, employee.Nickname ?? string.Empty, StringComparison.OrdinalIgnoreCase)
            ? nick
            : null;
        var claimed = newNickname is { Length: > 0 } ? await ClaimNicknameAsync(call, newNickname, employee.Id) : null;
        EmployeeSnapshot updated;
        try
        {
            updated = await call.Grains.GetGrain<ICalendarGrain>(employee.Id).UpdateAsync(changes, password);
        }
        catch
        {
            await ReleaseNicknameAsync(call, claimed, employee.Id);
            throw;
        }

        if (newNickname is not null)
        {
            await ReleaseNicknameAsync(call, employee.Nickname, employee.Id);
        }

        await CatalogPhotoRequests.DeleteReplacedUploadAsync(context, call, employee.Photo, updated.Photo);
        await applyLinks();
        return await RespondAsync(call, updated);
    }

    private static async Task<IResult> DeleteAsync(string id, ApiCall call, HttpContext context, IAppointmentStore appointments, TimeProvider time)
    {
        var employee = await LoadAsync(call, AccountCatalog.ParseId(id));
        await UpcomingAppointments.RefuseDeleteIfAnyAsync(call, appointments, time, AppointmentOwner.Employee, employee.Id, "employee", context.RequestAborted);

        // Imported busy time mirrors the employee's own calendar: it goes with the employee instead of blocking the delete.
        await StaleActivation.RetryAsync(() => call.Grains.GetGrain<ICalendarGrain>(employee.Id).ImportBusyTimeAsync(call.CompanyId, TimeZoneTable.DefaultId, []));
        await call.Account.RemoveCatalogEntryAsync(CatalogKind.Employee, employee.Id);
        var locations = await call.Account.GetCatalogAsync(CatalogKind.Location);
        await Task.WhenAll(locations.Select(l => call.Grains.GetGrain<ILocationGrain>(l).SetEmployeeServicesAsync([new LocationLink(employee.Id, [])])));
        await call.Grains.GetGrain<ICalendarGrain>(employee.Id).DeleteAsync();
        await ReleaseNicknameAsync(call, employee.Nickname, employee.Id);
        await CatalogPhotoRequests.DeleteUploadAsync(context, call, employee.Photo);
        return ApiEnvelope.Ok(new Dictionary<string, object>());
    }

    /// <summary>How far ahead a sync blocks the occurrences of recurring events (each sync moves the window on).</summary>
    internal static readonly TimeSpan SyncHorizon = TimeSpan.FromDays(180);

    /// <summary>
    /// GET /employee/sync/{id} (reference "Sync Employee Calendar"; SPEC §4): imports the employee's Internet Calendar
    /// (<c>ics_url</c>, <c>ics_service</c> 2 or unset) as busy time (status 4), so availability leaves those times out.
    /// Every sync makes the busy time match the feed (by event UID: new events added, moved ones moved, vanished ones
    /// removed); an event overlapping a client's appointment is left out and listed in <c>clashes</c>. Times without a
    /// zone are the account's; recurring events block each occurrence in the next <see cref="SyncHorizon"/>.
    /// <c>export=1</c> (pushing appointments to an external calendar) is not supported.
    /// </summary>
    private static async Task<IResult> SyncAsync(string id, ApiCall call, CalendarFeedClient feeds, TimeProvider time, CancellationToken cancellationToken)
    {
        var employee = await LoadAsync(call, AccountCatalog.ParseId(id));
        if (call.Request.GetBool("export") == true)
        {
            throw ApiException.InvalidField("export", "exporting to an external calendar is not supported; sync imports the employee's ics_url (export=0)");
        }

        var url = employee.Values.GetText(CalendarFeedClient.Field);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw ApiException.InvalidField(CalendarFeedClient.Field,
                $"employee {employee.Id} has no Internet Calendar to sync; set ics_url (and ics_service 2) with PUT /api/v2/employee/{employee.Id}");
        }

        if (employee.Values.GetInt("ics_service") is 1 or 3)
        {
            throw ApiException.InvalidField("ics_service", "Google (1) and Exchange (3) calendars are not supported; use 2 with the calendar's public ICS URL");
        }

        var account = await call.AccountAsync();
        var zone = TimeZoneTable.Embedded.TryGet(account?.Profile.GetInt("timezone_id") ?? AccountSchemas.DefaultTimeZoneId, out var entry)
            ? entry
            : TimeZoneTable.Embedded.Default;
        var feed = await feeds.FetchAsync(url, cancellationToken);
        ImmutableArray<BusyEvent> events;
        try
        {
            var now = time.GetUtcNow();
            events = IcsCalendar.ReadBusyEvents(feed, zone.Zone, now, now + SyncHorizon);
        }
        catch (FormatException ex)
        {
            throw ApiException.InvalidField(CalendarFeedClient.Field, $"is not an iCalendar feed: {ex.Message}");
        }

        var sync = await StaleActivation.RetryAsync(() => call.Grains.GetGrain<ICalendarGrain>(employee.Id).ImportBusyTimeAsync(call.CompanyId, zone.Id, events));
        return ApiEnvelope.Ok(new Dictionary<string, object>
        {
            ["added"] = sync.Added,
            ["moved"] = sync.Moved,
            ["removed"] = sync.Removed,
            ["clashes"] = sync.Clashes.Select(c => new Dictionary<string, object>
            {
                ["uid"] = c.Uid,
                ["start_date"] = AppointmentView.FormatLocal(zone.ToLocal(Instant.FromDateTimeOffset(c.Start))),
                ["end_date"] = AppointmentView.FormatLocal(zone.ToLocal(Instant.FromDateTimeOffset(c.End))),
            }).ToList(),
        }, "SYNCED");
    }

    /// <summary>PUT /employee/{id}/assignAvailability: replaces the employee's working hours and out-of-office periods (SPEC §5).</summary>
    private static async Task<IResult> AssignAvailabilityAsync(string id, ApiCall call)
    {
        var employee = await LoadAsync(call, AccountCatalog.ParseId(id));
        var document = call.Request.GetElement(AvailabilityFormat.Field) ?? throw ApiException.InvalidField(AvailabilityFormat.Field, "is required");
        var locations = (await call.Account.GetCatalogAsync(CatalogKind.Location)).ToHashSet();
        var assignments = AvailabilityFormat.Parse(document, locations.Contains);
        await call.Grains.GetGrain<ICalendarGrain>(employee.Id).SetAvailabilityAsync(assignments);
        return ApiEnvelope.Ok(new Dictionary<string, object>());
    }

    private static async Task<IResult> AvailabilityTimeAsync(string id, ApiCall call)
    {
        var employee = await LoadAsync(call, AccountCatalog.ParseId(id));
        var assignments = await call.Grains.GetGrain<ICalendarGrain>(employee.Id).GetAvailabilityAsync();
        return ApiEnvelope.Ok(new Dictionary<string, object> { [AvailabilityFormat.Field] = AvailabilityFormat.Render(assignments) });
    }

    /// <summary>GET /employee/getAvailabilityTime without an id: every employee's, in the account's order.</summary>
    private static async Task<IResult> AllAvailabilityTimesAsync(ApiCall call)
    {
        var employees = await call.Account.GetCatalogAsync(CatalogKind.Employee);
        var times = await Task.WhenAll(employees.Select(async e => new Dictionary<string, object>
        {
            ["employee_id"] = e,
            [AvailabilityFormat.Field] = AvailabilityFormat.Render(await call.Grains.GetGrain<ICalendarGrain>(e).GetAvailabilityAsync()),
        }));
        return ApiEnvelope.Ok(times);
    }

    /// <summary>POST /employee/assignServices?employee_id=: {"LOCATION_ID": [SERVICE_ID, ...]}, key 0 for every location.</summary>
    private static async Task<IResult> AssignServicesAsync(ApiCall call)
    {
        var employee = await LoadAsync(call, call.Request.RequireId("employee_id"));
        var links = await CatalogLinks.LoadAsync(call);
        await links.ForEmployee(employee.Id, CatalogLinks.AssignmentDocument(call.Request, AssignExample), "body")();
        return ApiEnvelope.Ok(null);
    }

    private static async Task<IResult> UploadPhotoAsync(ApiCall call, HttpContext context)
    {
        var employee = await LoadAsync(call, call.Request.RequireId("provider"));
        return await CatalogPhotoRequests.UploadAsync(context, call, call.Grains.GetGrain<ICalendarGrain>(employee.Id).SetPhotoAsync);
    }

    private static async Task<IResult> RemovePhotoAsync(ApiCall call, HttpContext context)
    {
        var employee = await LoadAsync(call, call.Request.RequireId("provider"));
        return await CatalogPhotoRequests.RemoveAsync(context, call, call.Grains.GetGrain<ICalendarGrain>(employee.Id).RemovePhotoAsync);
    }

    /// <summary>GET /employee/checknickname/{nickname}: whether the nickname is free for an employee.</summary>
    private static async Task<IResult> CheckNicknameAsync(string nickname, ApiCall call)
    {
        var name = nickname.Trim();
        if (!EmployeeSchemas.IsValidNickname(name))
        {
            throw ApiException.InvalidField("nickname", "must be 3-64 characters of letters, digits, '.' or '_'");
        }

        var owner = await call.Grains.GetGrain<INameClaimGrain>(NameClaims.EmployeeNickname(name)).GetOwnerAsync();
        return ApiEnvelope.Ok(new Dictionary<string, object> { ["nickname"] = name, ["available"] = owner is null });
    }

    // Single employees carry their links; the reference answers them as a one-element list.
    private static async Task<IResult> RespondAsync(ApiCall call, EmployeeSnapshot employee)
    {
        var ord = await AccountCatalog.OrdAsync(call, CatalogKind.Employee, employee.Id);
        return ApiEnvelope.Ok(new[] { Render(employee, ord, await CatalogLinks.LocationsAsync(call)) });
    }

    /// <summary>Employee nicknames are unique on the whole server (they name booking pages).</summary>
    private static async Task<string> ClaimNicknameAsync(ApiCall call, string nickname, long employeeId)
    {
        if (!EmployeeSchemas.IsValidNickname(nickname))
        {
            throw ApiException.InvalidField("nickname", "must be 3-64 characters of letters, digits, '.' or '_'");
        }

        if (!await call.Grains.GetGrain<INameClaimGrain>(NameClaims.EmployeeNickname(nickname)).ClaimAsync(employeeId))
        {
            throw ApiException.InvalidField("nickname", $"'{nickname}' is already taken");
        }

        return nickname;
    }

    private static async Task ReleaseNicknameAsync(ApiCall call, string? nickname, long employeeId)
    {
        if (nickname is { Length: > 0 })
        {
            await call.Grains.GetGrain<INameClaimGrain>(NameClaims.EmployeeNickname(nickname)).ReleaseAsync(employeeId);
        }
    }

    private static string? Password(ApiRequest request) =>
        request.GetString("password", 128) is { Length: > 0 } password
            ? password.Length >= MinPasswordLength ? password : throw ApiException.InvalidField("password", $"must be at least {MinPasswordLength} characters")
            : null;

    private static void CheckEmailUnique(ImmutableDictionary<string, JsonElement> values, IEnumerable<EmployeeSnapshot> others, long? self)
    {
        if (values.GetText("email") is { } email && others.Any(o => o.Id != self && string.Equals(o.Email, email, StringComparison.OrdinalIgnoreCase)))
        {
            throw ApiException.InvalidField("email", $"'{email}' is already another employee's e-mail");
        }
    }

    /// <summary>The provider licence: max_providers active employees, 0 = unlimited (403 / ACCOUNTS_LIMIT_REACHED).</summary>
    private static void CheckProviderLimit(AccountSnapshot account, int activeEmployees)
    {
        if (account.Profile.GetInt("max_providers") is > 0 and var limit && activeEmployees >= limit)
        {
            throw new LimitReachedException($"this account's licence allows {limit} active providers");
        }
    }

    private static ImmutableDictionary<string, JsonElement> ViewValues(EmployeeSnapshot employee, int ord) =>
        employee.Values
            .SetItem("ord", FieldValues.Number(ord))
            .SetItem("can_login", FieldValues.Number(employee.CanLogin ? 1 : 0));

    private static IReadOnlyDictionary<string, object?> Render(EmployeeSnapshot employee, int ord, IEnumerable<LocationSnapshot>? locations)
    {
        var overrides = new Dictionary<string, object?>
        {
            ["id"] = employee.Id,
            ["company_id"] = employee.CompanyId,
        };
        if (locations is not null)
        {
            overrides["links"] = CatalogLinks.OfEmployee(employee.Id, locations);
        }

        return EmployeeSchemas.Employee.Render(ViewValues(employee, ord), overrides);
    }
}
