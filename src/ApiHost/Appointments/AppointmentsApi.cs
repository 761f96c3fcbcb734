using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Idempotency;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Clients;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Links;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Clients;
using Scheduling.Grains.CustomFields;
using Scheduling.Grains.Links;
using Scheduling.Grains.TimeZones;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Appointments;

/// <summary>
/// Appointments (reference "Appointments"; SPEC §4, §5, §8). Bookings and every change go through the employee's
/// CalendarGrain, which re-checks the slot and writes the row, its event and its version in one transaction;
/// reads are queries of the appointment rows.
/// <para>
/// <c>POST /appointment</c>: <c>client_email</c>, <c>client_name</c>, <c>service_id</c>, <c>start_date</c> required.
/// Without <c>employee_id</c> the location assigns one (round robin among the free ones); without <c>location_id</c>
/// the account's first location is used. <c>start_date</c> is local to <c>timezone_id</c> when given, else to the
/// location's zone. The length is <c>duration</c> when given, else the service's plus its chosen add-ons
/// (<c>subservices</c>). The status starts as SPEC §5 says unless one is given (3 is refused). The client is
/// created or updated by e-mail. <c>custom_fields</c> are checked against the booking form with
/// <c>validate_custom_fields=1</c>. Honours <c>Idempotency-Key</c>.
/// </para>
/// <para>
/// <c>PUT /appointment/{id}</c> changes the given fields. A new <c>start_date</c>, <c>employee_id</c>,
/// <c>location_id</c>, <c>service_id</c>, <c>duration</c> or <c>subservices</c> reschedules: the new time is taken
/// before the old is freed (one row write; across employees the new calendar takes it in that write). <c>status</c>
/// 3 cancels. <c>verify</c>/<c>confirm</c>/<c>decline</c> set 0/2/3 (decline stores <c>reason</c>); giving a
/// declined appointment an occupying status again re-checks its time.
/// </para>
/// </summary>
public static class AppointmentsApi
{
    private const int MaxRoutingAttempts = 3;

    public static IEndpointRouteBuilder MapAppointmentsApi(this IEndpointRouteBuilder endpoints)
    {
        var appointments = endpoints.MapGroup("/api/v2/appointment");
        appointments.MapGet("/", ListAsync);
        appointments.MapGet("/upcoming", UpcomingAsync);
        appointments.MapGet("/listView", ListViewAsync);
        appointments.MapPost("/", CreateAsync).AcceptsFields(AppointmentSchemas.Appointment).WithIdempotency();
        appointments.MapPost("/verify", VerifyAsync).WithIdempotency();
        appointments.MapPost("/confirm", ConfirmAsync).WithIdempotency();
        appointments.MapPost("/decline", DeclineAsync).WithIdempotency();
        appointments.MapGet("/hash", HashAsync);
        appointments.MapGet("/hash/{id}", HashAsync);
        appointments.MapGet("/{id}", GetAsync);
        appointments.MapPut("/{id}", UpdateAsync).AcceptsFields(AppointmentSchemas.Appointment);
        appointments.MapDelete("/{id}", DeleteAsync);
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(ApiCall call, IClientStore clients, IIdGenerator ids, CancellationToken cancellationToken)
    {
        var (appointment, zone) = await BookAsync(call, clients, ids, cancellationToken);
        return ApiEnvelope.Ok(AppointmentView.Render(appointment, zone.Id));
    }

    /// <summary>Books what the call's request asks for (see the class summary); the public booking page books through it too.</summary>
    internal static async Task<(Appointment Appointment, TimeZoneEntry Zone)> BookAsync(ApiCall call, IClientStore clients, IIdGenerator ids, CancellationToken cancellationToken)
    {
        var request = call.Request;
        var values = Bind(request, create: true);
        if (values.GetInt(AppointmentField.Status) == AppointmentStatus.Canceled)
        {
            throw ApiException.InvalidField(AppointmentField.Status, "a new appointment cannot start declined or canceled (3)");
        }

        var service = await AppointmentPlaces.ServiceAsync(call, values.GetLong(AppointmentField.ServiceId)!.Value);
        var location = await AppointmentPlaces.LocationAsync(call, PositiveId(values, AppointmentField.LocationId));
        var employeeId = PositiveId(values, AppointmentField.EmployeeId);
        if (employeeId is { } named)
        {
            await AppointmentPlaces.EnsureProviderAsync(call, named, location, service.Id);
        }

        var (subservices, addOnMinutes) = await AppointmentPlaces.SubServicesAsync(call, service, values.GetText(AppointmentField.Subservices));
        var duration = ReadDuration(request) ?? service.DurationMinutes + addOnMinutes;
        var zone = AppointmentPlaces.Zone(request, location.TimeZoneId);
        var start = AppointmentTimes.ParseStart(values.GetText(AppointmentField.StartDate)!, AppointmentField.StartDate, zone);
        var slot = await AppointmentPlaces.SlotAsync(call, location, service, duration, start);
        var customFields = await ReadCustomFieldsAsync(call, creating: true);
        var account = await call.AccountAsync();
        var status = values.GetInt(AppointmentField.Status) ?? InitialStatus(account, service);

        var stored = Stored(ImmutableDictionary<string, JsonElement>.Empty, values, customFields)
            .SetItem(AppointmentField.Subservices, FieldValues.Text(subservices));
        var client = await UpsertClientAsync(call, clients, stored, cancellationToken);
        var booking = new BookingRequest(
            await ids.NextIdAsync(cancellationToken), call.CompanyId, slot, start, client.Id, status, stored, AppointmentNotices.For(account, service));
        var appointment = await StaleActivation.RetryAsync(() => employeeId is { } employee
            ? call.Grains.GetGrain<ICalendarGrain>(employee).BookAsync(booking)
            : call.Grains.GetGrain<ILocationGrain>(location.Id).BookAnyProviderAsync(booking));

        return (appointment, zone);
    }

    /// <summary>The reference answers a single appointment as a one-element list, with the provider's e-mail.</summary>
    private static async Task<IResult> GetAsync(string id, ApiCall call, IAppointmentStore store, CancellationToken cancellationToken)
    {
        var appointment = await LoadAsync(call, store, ParseId(id), cancellationToken);
        var employee = await call.Grains.GetGrain<ICalendarGrain>(appointment.EmployeeId).GetAsync();
        var extra = new Dictionary<string, object?> { [AppointmentField.ProviderEmail] = employee?.Email ?? string.Empty };
        return ApiEnvelope.Ok(new[] { AppointmentView.Render(appointment, ReadZone(call.Request), extra) });
    }

    /// <summary>
    /// <c>GET /appointment/hash/{id}</c> (or <c>?appointment_id=</c>, SPEC §4): the self-service token of
    /// <c>hash_type</c> (cancel, reschedule (default) or confirm) that lets the client act on this appointment
    /// without a session; <see cref="AppointmentLinks"/> signs it.
    /// </summary>
    private static async Task<IResult> HashAsync(string? id, ApiCall call, IAppointmentStore store, AppointmentLinks links, CancellationToken cancellationToken)
    {
        var appointmentId = id is null ? call.Request.RequireId("appointment_id") : ApiRequest.PathId(id);
        var typeName = call.Request.GetString("hash_type", 32);
        var type = string.IsNullOrWhiteSpace(typeName)
            ? AppointmentLinkType.Reschedule
            : AppointmentLinks.ParseType(typeName) ?? throw ApiException.InvalidField("hash_type", "must be cancel, reschedule or confirm");
        var appointment = await LoadAsync(call, store, appointmentId, cancellationToken);
        return ApiEnvelope.Ok(await links.CreateAsync(appointment.CompanyId, appointment.Id, type));
    }

    private static async Task<IResult> UpdateAsync(string id, ApiCall call, IAppointmentStore store, IClientStore clients, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var appointment = await ChangeAsync(call, store, clients, loggers, ParseId(id), cancellationToken);
        return ApiEnvelope.Ok(AppointmentView.Render(appointment, ReadZone(call.Request), new Dictionary<string, object?> { ["old_id"] = appointment.Id }));
    }

    /// <summary>Applies the call's request to the appointment (see the class summary); the self-service links change through it too.</summary>
    internal static async Task<Appointment> ChangeAsync(ApiCall call, IAppointmentStore store, IClientStore clients, ILoggerFactory loggers, long appointmentId, CancellationToken cancellationToken)
    {
        var changes = Bind(call.Request, create: false);
        JsonElement? customFields = call.Request.Has(AppointmentField.CustomFields) ? await ReadCustomFieldsAsync(call, creating: false) : null;
        var (appointment, before) = await OnCalendarAsync(call, store, appointmentId, async stored =>
        {
            var (request, calendar) = await ChangeRequestAsync(call, clients, stored, changes, customFields, cancellationToken);
            return (await call.Grains.GetGrain<ICalendarGrain>(calendar).ChangeAppointmentAsync(request), stored);
        }, cancellationToken);
        if (appointment.EmployeeId != before.EmployeeId)
        {
            await ReleaseAsync(call, before, loggers);
        }

        return appointment;
    }

    private static async Task<IResult> DeleteAsync(string id, ApiCall call, IAppointmentStore store, CancellationToken cancellationToken)
    {
        await OnCalendarAsync(call, store, ParseId(id), async stored =>
        {
            await call.Grains.GetGrain<ICalendarGrain>(stored.EmployeeId).DeleteAppointmentAsync(call.CompanyId, stored.Id);
            return true;
        }, cancellationToken);
        return ApiEnvelope.Ok(new Dictionary<string, object?>());
    }

    /// <summary>Sets status 0; the verification e-mail with its confirm link follows from the change's event (SPEC §5).</summary>
    private static async Task<IResult> VerifyAsync(ApiCall call, IAppointmentStore store, IClientStore clients, CancellationToken cancellationToken) =>
        ApiEnvelope.Ok(AppointmentView.Render(await SetStatusAsync(call, store, clients, AppointmentStatus.Unverified, reason: null, cancellationToken), ReadZone(call.Request)));

    private static async Task<IResult> ConfirmAsync(ApiCall call, IAppointmentStore store, IClientStore clients, CancellationToken cancellationToken) =>
        ApiEnvelope.Ok(AppointmentView.Render(await SetStatusAsync(call, store, clients, AppointmentStatus.Confirmed, reason: null, cancellationToken), ReadZone(call.Request)));

    private static async Task<IResult> DeclineAsync(ApiCall call, IAppointmentStore store, IClientStore clients, CancellationToken cancellationToken)
    {
        var reason = call.Request.RequireString(AppointmentField.Reason, AppointmentSchemas.MaxReasonLength);
        var appointment = await SetStatusAsync(call, store, clients, AppointmentStatus.Canceled, reason, cancellationToken);
        return ApiEnvelope.Ok(AppointmentView.Render(appointment, ReadZone(call.Request)));
    }

    private static async Task<IResult> ListAsync(ApiCall call, IAppointmentStore store, CancellationToken cancellationToken)
    {
        var request = call.Request;
        var zoneId = ReadZone(request);
        var zone = zoneId is { } z ? TimeZoneTable.Embedded.Get(z) : await AccountZoneAsync(call);
        var query = AppointmentListQuery.Read(request, zone);
        if (request.GetBool("num_results") == true)
        {
            return ApiEnvelope.Ok(await store.CountAsync(call.CompanyId, query, cancellationToken));
        }

        var appointments = await store.ListAsync(call.CompanyId, query, cancellationToken);
        return ApiEnvelope.Ok(appointments.Select(a => AppointmentView.Render(a, zoneId)).ToList());
    }

    /// <summary>
    /// The paginated list (reference "List Appointments (Paginated)", <see cref="AppointmentListQuery.ReadListView"/>):
    /// <c>results</c> = this page, <c>last_rows</c> = how many appointments match in all (the reference's sample shows a
    /// number there, unlike upcoming's flag), so a client knows how many pages remain.
    /// </summary>
    private static async Task<IResult> ListViewAsync(ApiCall call, IAppointmentStore store, CancellationToken cancellationToken)
    {
        var request = call.Request;
        var zoneId = ReadZone(request);
        var zone = zoneId is { } z ? TimeZoneTable.Embedded.Get(z) : await AccountZoneAsync(call);
        var query = AppointmentListQuery.ReadListView(request, zone);
        var rows = await store.ListAsync(call.CompanyId, query, cancellationToken);
        // A page that is not full ends the list: its total needs no second query.
        var total = rows.Count < query.Take && (rows.Count > 0 || query.Skip == 0)
            ? query.Skip + rows.Count
            : await store.CountAsync(call.CompanyId, query, cancellationToken);
        return ApiEnvelope.Ok(new Dictionary<string, object?>
        {
            ["results"] = rows.Select(a => AppointmentView.Render(a, zoneId)).ToList(),
            ["last_rows"] = total,
        });
    }

    /// <summary>
    /// Appointments starting after now with status 0, 1 or 2 (SPEC §5 "upcoming"), by start; <c>skip</c>/<c>count</c>
    /// (default 10) page them, and <c>last_rows</c> says whether this page is the last.
    /// </summary>
    private static async Task<IResult> UpcomingAsync(ApiCall call, IAppointmentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = call.Request;
        var (skip, count) = AppointmentListQuery.ReadSkipCount(request);
        var query = new AppointmentQuery { Statuses = AppointmentStatus.Upcoming, StartFrom = time.GetUtcNow().AddTicks(1), Skip = skip, Take = count + 1 };
        var rows = await store.ListAsync(call.CompanyId, query, cancellationToken);
        var zone = ReadZone(request);
        return ApiEnvelope.Ok(new Dictionary<string, object?>
        {
            ["last_rows"] = rows.Count <= count,
            ["records"] = rows.Take(count).Select(a => AppointmentView.Render(a, zone)).ToList(),
        });
    }

    /// <summary>verify / confirm / decline: the status (and decline's reason) changed through the appointment's calendar.</summary>
    private static async Task<Appointment> SetStatusAsync(ApiCall call, IAppointmentStore store, IClientStore clients, int status, string? reason, CancellationToken cancellationToken)
    {
        var appointmentId = call.Request.RequireId("appointment_id");
        var changes = ImmutableDictionary<string, JsonElement>.Empty.Add(AppointmentField.Status, FieldValues.Number(status));
        if (reason is not null)
        {
            changes = changes.Add(AppointmentField.Reason, FieldValues.Text(reason));
        }

        return await OnCalendarAsync(call, store, appointmentId, async stored =>
        {
            if (stored.Status == status && (reason is null || stored.Values.GetText(AppointmentField.Reason) == reason))
            {
                return stored;
            }

            var (request, calendar) = await ChangeRequestAsync(call, clients, stored, changes, customFields: null, cancellationToken);
            return await call.Grains.GetGrain<ICalendarGrain>(calendar).ChangeAppointmentAsync(request);
        }, cancellationToken);
    }

    /// <summary>
    /// Runs a change on the appointment as last read. When its calendar no longer holds it (a concurrent reschedule
    /// moved it to another employee), reads it again and asks the new one.
    /// </summary>
    private static async Task<T> OnCalendarAsync<T>(ApiCall call, IAppointmentStore store, long appointmentId, Func<Appointment, Task<T>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await LoadAsync(call, store, appointmentId, cancellationToken);
            try
            {
                return await change(stored);
            }
            catch (NotFoundException) when (attempt < MaxRoutingAttempts)
            {
                if (!await MovedAsync(call, store, stored, cancellationToken))
                {
                    throw;
                }
            }
            catch (Orleans.Storage.InconsistentStateException) when (attempt < MaxRoutingAttempts)
            {
                // A stale calendar activation (another silo wrote): nothing was saved; the next attempt
                // reaches a fresh activation that re-decides from the stored rows (DESIGN §6).
            }
        }
    }

    /// <summary>
    /// The saved form of a change: the stored appointment with the given fields applied, and the calendar that saves it
    /// (the new employee's, for a move). The slot is re-checked only when the time or place changes, or a declined
    /// appointment occupies its time again.
    /// </summary>
    private static async Task<(BookingRequest Request, long Calendar)> ChangeRequestAsync(
        ApiCall call, IClientStore clients, Appointment stored, ImmutableDictionary<string, JsonElement> changes, JsonElement? customFields, CancellationToken cancellationToken)
    {
        var serviceId = changes.GetLong(AppointmentField.ServiceId) ?? stored.ServiceId;
        var locationId = PositiveId(changes, AppointmentField.LocationId) ?? stored.LocationId;
        var employeeId = PositiveId(changes, AppointmentField.EmployeeId) ?? stored.EmployeeId;
        var status = changes.GetInt(AppointmentField.Status) ?? stored.Status;
        var request = call.Request;
        var lengthChanged = request.Has(AppointmentField.Duration) || changes.ContainsKey(AppointmentField.Subservices) || serviceId != stored.ServiceId;
        var placeChanged = lengthChanged || changes.ContainsKey(AppointmentField.StartDate) || locationId != stored.LocationId || employeeId != stored.EmployeeId;
        var reoccupies = !stored.Occupies && AppointmentStatus.Occupies(status);

        var values = Stored(stored.Values.ToImmutable(), changes, customFields);
        var start = stored.Start;
        Contracts.Availability.SlotRequest? slot = null;
        ServiceSnapshot? service = null;
        if (placeChanged || reoccupies)
        {
            service = await AppointmentPlaces.ServiceAsync(call, serviceId);
            var location = await AppointmentPlaces.LocationAsync(call, locationId);
            await AppointmentPlaces.EnsureProviderAsync(call, employeeId, location, serviceId);
            var duration = stored.DurationMinutes;
            if (lengthChanged)
            {
                var (subservices, addOnMinutes) = await AppointmentPlaces.SubServicesAsync(call, service, values.GetText(AppointmentField.Subservices));
                values = values.SetItem(AppointmentField.Subservices, FieldValues.Text(subservices));
                duration = ReadDuration(request) ?? service.DurationMinutes + addOnMinutes;
            }

            if (changes.GetText(AppointmentField.StartDate) is { } text)
            {
                start = AppointmentTimes.ParseStart(text, AppointmentField.StartDate, AppointmentPlaces.Zone(request, location.TimeZoneId));
            }

            slot = await AppointmentPlaces.SlotAsync(call, location, service, duration, start);
        }

        var clientId = stored.ClientId;
        if (changes.Keys.Any(ClientFields.ContainsKey))
        {
            clientId = (await UpsertClientAsync(call, clients, values, cancellationToken)).Id;
        }

        // The reminder follows the service as it is set now (a service deleted since leaves the account's hours).
        service ??= await call.Grains.GetGrain<IServiceGrain>(serviceId).GetAsync() is { } current && current.CompanyId == call.CompanyId ? current : null;
        var notices = AppointmentNotices.For(await call.AccountAsync(), service);
        return (new BookingRequest(stored.Id, call.CompanyId, slot, start, clientId, status, values, notices), employeeId);
    }

    // The appointment's client fields and the client fields they fill.
    private static readonly ImmutableDictionary<string, string> ClientFields = new Dictionary<string, string>
    {
        [AppointmentField.ClientName] = ClientField.Name,
        [AppointmentField.ClientPhone] = ClientField.Phone,
        [AppointmentField.ClientAddress] = ClientField.Address,
        [AppointmentField.ClientEmail] = ClientField.Email,
    }.ToImmutableDictionary();

    /// <summary>Creates or updates the company's client with the appointment's e-mail (DESIGN §4: every saved appointment does).</summary>
    private static async Task<ClientRecord> UpsertClientAsync(ApiCall call, IClientStore clients, ImmutableDictionary<string, JsonElement> values, CancellationToken cancellationToken)
    {
        var email = values.GetText(AppointmentField.ClientEmail) ?? throw ApiException.InvalidField(AppointmentField.ClientEmail, "is required");
        var fields = ClientFields
            .Where(p => p.Key != AppointmentField.ClientEmail && values.GetText(p.Key) is { Length: > 0 })
            .ToDictionary(p => p.Value, p => values[p.Key]);
        return (await clients.UpsertByEmailAsync(call.CompanyId, email, fields, cancellationToken)).Client;
    }

    /// <summary>SPEC §5: 2 when the service confirms itself, else 0 when the account asks clients to confirm by e-mail, else 1.</summary>
    private static int InitialStatus(AccountSnapshot? account, ServiceSnapshot service) =>
        service.AutoConfirm ? AppointmentStatus.Confirmed
        : account?.Options.GetInt("email_confirmation") == 1 ? AppointmentStatus.Unverified
        : AppointmentStatus.Unconfirmed;

    /// <summary>The stored fields after a change: the kept ones of <paramref name="changes"/> over <paramref name="stored"/>, and the checked custom fields.</summary>
    private static ImmutableDictionary<string, JsonElement> Stored(
        ImmutableDictionary<string, JsonElement> stored, ImmutableDictionary<string, JsonElement> changes, JsonElement? customFields)
    {
        var values = stored.SetItems(changes.Where(p => AppointmentSchemas.StoredFields.Contains(p.Key)));
        return customFields is { } answers ? values.SetItem(AppointmentField.CustomFields, answers) : values;
    }

    /// <summary>The appointment fields of a request; custom_fields are read by <see cref="ReadCustomFieldsAsync"/> (they may arrive as text).</summary>
    private static ImmutableDictionary<string, JsonElement> Bind(ApiRequest request, bool create)
    {
        if (request.Items is not null)
        {
            throw ApiException.InvalidField("body", "must be one appointment, a JSON object");
        }

        var fields = request.Fields.Where(f => !string.Equals(f.Key, AppointmentField.CustomFields, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(f => f.Key, f => f.Value, StringComparer.OrdinalIgnoreCase);
        return AppointmentSchemas.Appointment.Bind(fields, create);
    }

    /// <summary>The answers as stored (SPEC §5 shape); with validate_custom_fields=1 they must fit the company's booking form.</summary>
    private static async Task<JsonElement> ReadCustomFieldsAsync(ApiCall call, bool creating)
    {
        var validate = call.Request.GetBool("validate_custom_fields") ?? false;
        var input = call.Request.GetElement(AppointmentField.CustomFields) ?? default;
        var fields = validate || input.ValueKind != JsonValueKind.Undefined
            ? await call.Grains.GetGrain<ICustomFieldsGrain>(call.CompanyId).ListAsync()
            : [];
        return CustomFieldAnswers.ToJson(CustomFieldAnswers.Read(input, fields, validate && (creating || input.ValueKind != JsonValueKind.Undefined)));
    }

    private static int? ReadDuration(ApiRequest request) => request.GetInt(AppointmentField.Duration) switch
    {
        null or 0 => null,
        var minutes and >= 5 and <= 1440 => minutes,
        _ => throw ApiException.InvalidField(AppointmentField.Duration, "must be between 5 and 1440 minutes"),
    };

    private static async Task<Appointment> LoadAsync(ApiCall call, IAppointmentStore store, long appointmentId, CancellationToken cancellationToken) =>
        await store.GetAsync(call.CompanyId, appointmentId, cancellationToken) ?? throw new NotFoundException($"appointment {appointmentId} not found");

    /// <summary>Whether the appointment moved to another calendar after it was read (a concurrent reschedule): ask its new one.</summary>
    private static async Task<bool> MovedAsync(ApiCall call, IAppointmentStore store, Appointment read, CancellationToken cancellationToken) =>
        await store.GetAsync(call.CompanyId, read.Id, cancellationToken) is { } now && now.EmployeeId != read.EmployeeId;

    /// <summary>
    /// After a move the old calendar forgets the old interval. Nothing depends on it for correctness (the row moved in
    /// one write, and a calendar re-reads the rows before refusing a time), so a failure is logged, not returned.
    /// </summary>
    private static async Task ReleaseAsync(ApiCall call, Appointment moved, ILoggerFactory loggers)
    {
        try
        {
            await call.Grains.GetGrain<ICalendarGrain>(moved.EmployeeId).ReleaseMovedAsync(moved);
        }
        catch (Exception ex)
        {
            loggers.CreateLogger(typeof(AppointmentsApi)).LogWarning(ex, "Calendar {EmployeeId} did not release moved appointment {AppointmentId}", moved.EmployeeId, moved.Id);
        }
    }

    private static async Task<TimeZoneEntry> AccountZoneAsync(ApiCall call)
    {
        var account = await call.AccountAsync();
        var zoneId = account?.Profile.GetInt("timezone_id") ?? Contracts.Accounts.AccountSchemas.DefaultTimeZoneId;
        return TimeZoneTable.Embedded.TryGet(zoneId, out var entry) ? entry : TimeZoneTable.Embedded.Default;
    }

    /// <summary>timezone_id on a read: show the times in that zone (SPEC §6).</summary>
    private static int? ReadZone(ApiRequest request) =>
        request.GetInt(AppointmentField.TimeZoneId) is { } id and not 0
            ? TimeZoneTable.Embedded.TryGet(id, out _) ? id : throw ApiException.InvalidField(AppointmentField.TimeZoneId, $"{id} is not a time zone id (see GET /api/v2/tz/list)")
            : null;

    private static long? PositiveId(IReadOnlyDictionary<string, JsonElement> values, string field) =>
        values.GetLong(field) is { } id and > 0 ? id : null;

    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw ApiException.InvalidField("id", "must be a positive id");
}
