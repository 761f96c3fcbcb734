using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Appointments;
using Scheduling.ApiHost.Catalog;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.TimeZones;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Locations;

/// <summary>
/// Locations: CRUD, links with employees and services, photo, order. Deleting a location unlinks it
/// (its links go with it) and drops the employees' working hours there.
/// </summary>
public static class LocationsApi
{
    private const string AssignExample = "{\"EMPLOYEE_ID\": [SERVICE_ID, ...]} or {\"0\": [SERVICE_ID, ...]} for every employee";

    public static IEndpointRouteBuilder MapLocationsApi(this IEndpointRouteBuilder endpoints)
    {
        var locations = endpoints.MapGroup("/api/v2/location");
        locations.MapGet("/", ListAsync);
        locations.MapGet("/{id}", GetAsync);
        locations.MapPost("/", CreateAsync);
        locations.MapPut("/{id}", UpdateAsync);
        locations.MapDelete("/{id}", DeleteAsync);
        locations.MapPost("/assignServices", AssignServicesAsync);
        locations.MapPost("/uploadPhoto", UploadPhotoAsync);
        locations.MapPost("/removePhoto", RemovePhotoAsync);
        locations.MapPost("/updateOrder", (ApiCall call) => AccountCatalog.ReorderAsync(call, CatalogKind.Location, "location"));
        return endpoints;
    }

    /// <summary>The location of the caller's tenant, or 404 (also for other tenants' ids).</summary>
    public static async Task<LocationSnapshot> LoadAsync(ApiCall call, long id) =>
        await call.ReadAsync(id, (ILocationGrain l) => l.GetAsync()) is { } location && location.CompanyId == call.CompanyId
            ? location
            : throw new NotFoundException($"location {id} not found");

    private static async Task<IResult> ListAsync(ApiCall call)
    {
        var request = call.Request;
        var filter = CatalogFilter.Bind(LocationSchemas.Location, request);
        var id = request.GetId("id");
        var hasLinks = request.GetBool("has_links");
        var includeLinks = request.GetBool("include_links") ?? false;
        var page = request.GetPage();
        var locations = await AccountCatalog.LoadAsync(call, CatalogKind.Location, l => call.Grains.GetGrain<ILocationGrain>(l).GetAsync());
        var rows = locations
            .Where(l => (id is null || l.Item.Id == id) && (hasLinks is not { } has || has == !l.Item.Links.IsEmpty))
            .Where(l => filter.Matches(ViewValues(l.Item, l.Ord)));
        return ApiEnvelope.Ok(page.Apply(rows).Select(l => Render(l.Item, l.Ord, includeLinks)).ToList());
    }

    // The reference answers single locations as a one-element list.
    private static async Task<IResult> GetAsync(string id, ApiCall call)
    {
        var location = await LoadAsync(call, AccountCatalog.ParseId(id));
        return ApiEnvelope.Ok(new[] { Render(location, await AccountCatalog.OrdAsync(call, CatalogKind.Location, location.Id), links: true) });
    }

    private static async Task<IResult> CreateAsync(ApiCall call, IIdGenerator ids)
    {
        var values = Validate(LocationSchemas.Location.Bind(call.Request.Fields, create: true));
        var account = await call.AccountAsync() ?? throw new NotFoundException($"no account {call.CompanyId}");
        if (!values.ContainsKey("timezone_id"))
        {
            // A location keeps the zone its account had when it was created (SPEC §6: the location's zone, else the account's).
            values = values.SetItem("timezone_id", FieldValues.Number(account.Profile.GetInt("timezone_id") ?? AccountSchemas.DefaultTimeZoneId));
        }

        var id = await ids.NextIdAsync();
        var applyLinks = await CatalogLinks.PrepareAsync(call, (links, document) => links.ForLocation(id, document, "links"));
        await call.Grains.GetGrain<ILocationGrain>(id).CreateAsync(call.CompanyId, values);
        await call.Account.AddCatalogEntryAsync(CatalogKind.Location, id);
        await applyLinks();
        return await RespondAsync(call, id);
    }

    private static async Task<IResult> UpdateAsync(string id, ApiCall call, HttpContext context)
    {
        var location = await LoadAsync(call, AccountCatalog.ParseId(id));
        var changes = Validate(LocationSchemas.Location.Bind(call.Request.Fields, create: false));
        var applyLinks = await CatalogLinks.PrepareAsync(call, (links, document) => links.ForLocation(location.Id, document, "links"));
        var updated = await call.Grains.GetGrain<ILocationGrain>(location.Id).UpdateAsync(changes);
        await CatalogPhotoRequests.DeleteReplacedUploadAsync(context, call, location.Photo, updated.Photo);
        await applyLinks();
        return await RespondAsync(call, location.Id);
    }

    private static async Task<IResult> DeleteAsync(string id, ApiCall call, HttpContext context, IAppointmentStore appointments, TimeProvider time)
    {
        var location = await LoadAsync(call, AccountCatalog.ParseId(id));
        await UpcomingAppointments.RefuseDeleteIfAnyAsync(call, appointments, time, AppointmentOwner.Location, location.Id, "location", context.RequestAborted);
        await call.Account.RemoveCatalogEntryAsync(CatalogKind.Location, location.Id);
        var employees = await call.Account.GetCatalogAsync(CatalogKind.Employee);
        await Task.WhenAll(employees.Select(e => call.Grains.GetGrain<ICalendarGrain>(e).RemoveLocationAsync(location.Id)));
        await call.Grains.GetGrain<ILocationGrain>(location.Id).DeleteAsync();
        await CatalogPhotoRequests.DeleteUploadAsync(context, call, location.Photo);
        return ApiEnvelope.Ok(new Dictionary<string, object>());
    }

    /// <summary>POST /location/assignServices?location_id=: {"EMPLOYEE_ID": [SERVICE_ID, ...]}, key 0 for every employee.</summary>
    private static async Task<IResult> AssignServicesAsync(ApiCall call)
    {
        var location = await LoadAsync(call, call.Request.RequireId("location_id"));
        var links = await CatalogLinks.LoadAsync(call);
        await links.ForLocation(location.Id, CatalogLinks.AssignmentDocument(call.Request, AssignExample), "body")();
        return ApiEnvelope.Ok(null);
    }

    private static async Task<IResult> UploadPhotoAsync(ApiCall call, HttpContext context)
    {
        var location = await LoadAsync(call, call.Request.RequireId("location"));
        return await CatalogPhotoRequests.UploadAsync(context, call, call.Grains.GetGrain<ILocationGrain>(location.Id).SetPhotoAsync);
    }

    private static async Task<IResult> RemovePhotoAsync(ApiCall call, HttpContext context)
    {
        var location = await LoadAsync(call, call.Request.RequireId("location"));
        return await CatalogPhotoRequests.RemoveAsync(context, call, call.Grains.GetGrain<ILocationGrain>(location.Id).RemovePhotoAsync);
    }

    // POST and PUT answer with the saved location, as a one-element list like the reference.
    private static async Task<IResult> RespondAsync(ApiCall call, long id)
    {
        var location = await LoadAsync(call, id);
        return ApiEnvelope.Ok(new[] { Render(location, await AccountCatalog.OrdAsync(call, CatalogKind.Location, id), links: true) });
    }

    private static ImmutableDictionary<string, JsonElement> Validate(ImmutableDictionary<string, JsonElement> values)
    {
        if (values.GetInt("timezone_id") is { } tz && !TimeZoneTable.Embedded.TryGet(tz, out _))
        {
            throw ApiException.InvalidField("timezone_id", $"{tz} is not a time zone id");
        }

        if (values.GetDecimal("lat") > 90)
        {
            throw ApiException.InvalidField("lat", "must be between -90 and 90");
        }

        if (values.GetDecimal("lng") > 180)
        {
            throw ApiException.InvalidField("lng", "must be between -180 and 180");
        }

        return values;
    }

    // The stored values with the fields the server derives: the first location is the main one.
    private static ImmutableDictionary<string, JsonElement> ViewValues(LocationSnapshot location, int ord) =>
        location.Values
            .SetItem("is_main", FieldValues.Bool(ord == 0))
            .SetItem("ord", FieldValues.Number(ord));

    private static IReadOnlyDictionary<string, object?> Render(LocationSnapshot location, int ord, bool links)
    {
        var overrides = new Dictionary<string, object?>
        {
            ["id"] = location.Id,
            ["company_id"] = location.CompanyId,
        };
        if (links)
        {
            overrides["links"] = CatalogLinks.OfLocation(location);
        }

        return LocationSchemas.Location.Render(ViewValues(location, ord), overrides);
    }
}
