using System.Collections.Immutable;
using System.Globalization;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Media;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Clients;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Clients;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.Clients;

/// <summary>
/// A company's clients (reference "Clients"; SPEC §4: <c>POST /client</c>, <c>PUT /client/{id}</c>), kept in the
/// client table that every saved appointment also upserts into.
/// <para>
/// E-mails are unique per company, ignoring case. A create, or an update to an e-mail another client of the
/// company already has, is refused with 409 / ERROR_SAVING_ENTITY and the description
/// "email: x is already the e-mail of client N": the request is well formed but conflicts with stored data, and
/// the caller learns which client to update instead.
/// </para>
/// <para>
/// <c>GET /client</c> filters (all optional, all must hold): <c>q</c> (every word in the name, e-mail or phone;
/// digits also match the phone's digits), <c>client_id</c>, <c>employee_id</c>, <c>email</c> (the whole address,
/// ignoring case), the text fields <c>name phone notes preferences address address2 city state zip country photo</c>
/// (substring, ignoring case), <c>gender</c> (m/f), <c>accept_emails</c> (0/1), <c>birthday</c> (MM-DD or a date:
/// its month and day), <c>client_since</c> (a date), <c>last_app_date</c> (a date: the latest appointment started
/// that day in the account's time zone). Order: <c>sort_by</c> = name (default), email, date_created,
/// last_app_date, client_since or client_id; <c>sort_order</c> = asc (default) or desc. Paging: start/end.
/// </para>
/// </summary>
public static class ClientsApi
{
    private const int MaxSearchLength = 256;

    private static readonly ImmutableDictionary<string, ClientSort> SortKeys = new Dictionary<string, ClientSort>
    {
        ["name"] = ClientSort.Name,
        ["email"] = ClientSort.Email,
        ["date_created"] = ClientSort.DateCreated,
        ["last_app_date"] = ClientSort.LastAppointmentDate,
        [ClientField.ClientSinceAlias] = ClientSort.ClientSince,
        [ClientField.ClientSince] = ClientSort.ClientSince,
        ["client_id"] = ClientSort.Id,
    }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapClientsApi(this IEndpointRouteBuilder endpoints)
    {
        var clients = endpoints.MapGroup("/api/v2/client");
        clients.MapGet("/", ListAsync);
        clients.MapPost("/", CreateAsync);
        clients.MapPost("/uploadPicture", UploadPictureAsync);
        clients.MapGet("/{id}", GetAsync);
        clients.MapPut("/{id}", UpdateAsync);
        clients.MapDelete("/{id}", DeleteAsync);
        return endpoints;
    }

    /// <summary>A client as the reference shows it; <c>client_since</c> repeats <c>cient_since</c> under its correct spelling.</summary>
    public static IReadOnlyDictionary<string, object?> View(ClientRecord client) =>
        ClientSchemas.Client.Render(client.Fields, new Dictionary<string, object?>
        {
            ["client_id"] = client.Id,
            ["company_id"] = client.CompanyId,
            ["date_created"] = ClientSchemas.FormatTimestamp(client.CreatedAt),
            [ClientField.ClientSinceAlias] = client.Fields.TryGetValue(ClientField.ClientSince, out var since) ? since : null,
        });

    private static async Task<IResult> ListAsync(ApiCall call, IClientStore store, CancellationToken cancellationToken)
    {
        var clients = await store.ListAsync(call.CompanyId, await ReadQueryAsync(call), cancellationToken);
        return ApiEnvelope.Ok(clients.Select(View).ToList());
    }

    /// <summary>The reference answers a single client as a one-element list.</summary>
    private static async Task<IResult> GetAsync(string id, ApiCall call, IClientStore store, CancellationToken cancellationToken)
    {
        var clientId = ParseId(id);
        var client = await store.GetAsync(call.CompanyId, clientId, cancellationToken) ?? throw NotFound(clientId);
        return ApiEnvelope.Ok(new[] { View(client) });
    }

    private static async Task<IResult> CreateAsync(ApiCall call, IClientStore store, CancellationToken cancellationToken)
    {
        var values = ClientSchemas.Bind(OneRecord(call.Request), create: true);
        return ApiEnvelope.Ok(View(await store.CreateAsync(call.CompanyId, values, cancellationToken)));
    }

    /// <summary>A partial update: the fields given replace the stored ones (email and name, if given, must not be blank).</summary>
    private static async Task<IResult> UpdateAsync(string id, ApiCall call, IClientStore store, CancellationToken cancellationToken)
    {
        var clientId = ParseId(id);
        var changes = ClientSchemas.Bind(OneRecord(call.Request), create: false);
        var client = await store.UpdateAsync(call.CompanyId, clientId, changes, cancellationToken) ?? throw NotFound(clientId);
        return ApiEnvelope.Ok(View(client));
    }

    private static async Task<IResult> DeleteAsync(string id, ApiCall call, IClientStore store, CancellationToken cancellationToken)
    {
        var clientId = ParseId(id);
        return await store.DeleteAsync(call.CompanyId, clientId, cancellationToken)
            ? ApiEnvelope.Ok(new Dictionary<string, object?>())
            : throw NotFound(clientId);
    }

    /// <summary>
    /// Stores a client picture (multipart, through the one media upload path) and answers the reference's
    /// upload_id / file_name / file_location. The reference names no client: the caller then sets the client's
    /// <c>photo</c> to <c>file_location</c>. With <c>client_id</c> (query or form) this call sets it itself, after
    /// checking the client is the caller's, so an upload for a foreign or unknown client stores nothing.
    /// </summary>
    private static async Task<IResult> UploadPictureAsync(HttpContext context, ApiCall call, IClientStore store, CancellationToken cancellationToken)
    {
        var clientId = call.Request.GetId("client_id");
        if (clientId is { } checkedId && await store.GetAsync(call.CompanyId, checkedId, cancellationToken) is null)
        {
            throw NotFound(checkedId);
        }

        var item = await MediaApi.SaveUploadAsync(context, call.CompanyId);
        if (clientId is { } id)
        {
            var photo = ImmutableDictionary<string, System.Text.Json.JsonElement>.Empty.Add(ClientField.Photo, FieldValues.Text(MediaApi.Url(item)));
            _ = await store.UpdateAsync(call.CompanyId, id, photo, cancellationToken) ?? throw NotFound(id);
        }

        return ApiEnvelope.Ok(MediaApi.UploadResult(item));
    }

    private static async Task<ClientQuery> ReadQueryAsync(ApiCall call)
    {
        var request = call.Request;
        var page = request.GetPage();
        var text = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var field in ClientSchemas.TextFilters)
        {
            ClientSchemas.Client.TryGetField(field, out var spec);
            if (request.GetString(field, spec.MaxLength) is { Length: > 0 } value)
            {
                text[field] = value;
            }
        }

        var query = new ClientQuery
        {
            Skip = page.Skip,
            Take = page.Take,
            Search = NonEmpty(request.GetString("q", MaxSearchLength)),
            ClientId = request.GetId("client_id"),
            EmployeeId = request.GetId("employee_id"),
            Email = NonEmpty(request.GetString(ClientField.Email, ClientSchemas.MaxEmailLength)),
            TextContains = text.ToImmutable(),
            Gender = ReadGender(request),
            AcceptEmails = request.GetBool(ClientField.AcceptEmails),
            Birthday = NonEmpty(request.GetString(ClientField.Birthday, 32)) is { } birthday ? ParseMonthDay(birthday) : null,
            ClientSince = ReadDate(request, ClientField.ClientSinceAlias) ?? ReadDate(request, ClientField.ClientSince),
            SortBy = ReadSort(request),
            Descending = ReadDescending(request),
        };

        if (ReadDate(request, ClientField.LastAppointmentDate) is { } day)
        {
            // A day as the account sees it: from its local midnight to the next one (DST days are 23 or 25 hours).
            var zone = await AccountZoneAsync(call);
            var local = LocalDate.FromDateOnly(day);
            query = query with
            {
                LastAppointmentFrom = zone.AtStartOfDay(local).ToDateTimeOffset(),
                LastAppointmentBefore = zone.AtStartOfDay(local.PlusDays(1)).ToDateTimeOffset(),
            };
        }

        return query;
    }

    private static async Task<DateTimeZone> AccountZoneAsync(ApiCall call)
    {
        var account = await call.AccountAsync();
        var zoneId = account?.Profile.GetInt("timezone_id") ?? AccountSchemas.DefaultTimeZoneId;
        return (TimeZoneTable.Embedded.TryGet(zoneId, out var entry) ? entry : TimeZoneTable.Embedded.Default).Zone;
    }

    private static string? ReadGender(ApiRequest request) =>
        NonEmpty(request.GetString(ClientField.Gender, 8))?.ToLowerInvariant() switch
        {
            null => null,
            "m" => "m",
            "f" => "f",
            _ => throw ApiException.InvalidField(ClientField.Gender, "must be m or f"),
        };

    private static DateOnly? ReadDate(ApiRequest request, string field) =>
        NonEmpty(request.GetString(field, 32)) is { } text ? ClientSchemas.ParseDate(field, text) : null;

    /// <summary>"MM-DD" (or "M-D"), or a full date of which only the month and day count.</summary>
    private static MonthDay ParseMonthDay(string text)
    {
        var parts = text.Split('-');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day >= 1 && day <= DateTime.DaysInMonth(2000, month))
        {
            return new MonthDay(month, day);
        }

        try
        {
            var date = ClientSchemas.ParseDate(ClientField.Birthday, text);
            return new MonthDay(date.Month, date.Day);
        }
        catch (FieldValidationException)
        {
            throw ApiException.InvalidField(ClientField.Birthday, "must be MM-DD or a date, YYYY-MM-DD");
        }
    }

    private static ClientSort ReadSort(ApiRequest request) =>
        NonEmpty(request.GetString("sort_by", 32)) is not { } key
            ? ClientSort.Name
            : SortKeys.TryGetValue(key, out var sort)
                ? sort
                : throw ApiException.InvalidField("sort_by", "must be one of name, email, date_created, last_app_date, client_since, client_id");

    private static bool ReadDescending(ApiRequest request) =>
        NonEmpty(request.GetString("sort_order", 8))?.ToLowerInvariant() switch
        {
            null or "asc" => false,
            "desc" => true,
            _ => throw ApiException.InvalidField("sort_order", "must be asc or desc"),
        };

    /// <summary>The fields of one client; a JSON array (a bulk body) is not one.</summary>
    private static IReadOnlyDictionary<string, System.Text.Json.JsonElement> OneRecord(ApiRequest request) =>
        request.Items is null ? request.Fields : throw ApiException.InvalidField("body", "must be one client, a JSON object");

    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw ApiException.InvalidField("id", "must be a positive id");

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static NotFoundException NotFound(long clientId) => new($"client {clientId} not found");
}
