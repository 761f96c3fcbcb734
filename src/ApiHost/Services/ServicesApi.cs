using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Appointments;
using Scheduling.ApiHost.Catalog;
using Scheduling.ApiHost.Locations;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Services;
using Scheduling.Grains.TimeZones;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Services;

/// <summary>
/// Services: CRUD with schedule and sub-services, links, photo, order. Deleting a service unlinks it
/// from every location and drops it from the services it was an add-on of.
/// </summary>
public static class ServicesApi
{
    public static IEndpointRouteBuilder MapServicesApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.MapGroup("/api/v2/service");
        services.MapGet("/", ListAsync);
        services.MapGet("/{id}", GetAsync);
        services.MapPost("/", CreateAsync);
        services.MapPut("/{id}", UpdateAsync);
        services.MapDelete("/{id}", DeleteAsync);
        services.MapPost("/uploadPhoto", UploadPhotoAsync);
        services.MapPost("/removePhoto", RemovePhotoAsync);
        services.MapPost("/updateOrder", (ApiCall call) => AccountCatalog.ReorderAsync(call, CatalogKind.Service, "service"));
        return endpoints;
    }

    /// <summary>The service of the caller's tenant, or 404 (also for other tenants' ids).</summary>
    public static async Task<ServiceSnapshot> LoadAsync(ApiCall call, long id) =>
        await call.ReadAsync(id, (IServiceGrain s) => s.GetAsync()) is { } service && service.CompanyId == call.CompanyId
            ? service
            : throw new NotFoundException($"service {id} not found");

    /// <summary>
    /// GET /service: the reference's field filters, plus location_id (offered there by some employee) and
    /// active_services (active today in the account's time zone).
    /// </summary>
    private static async Task<IResult> ListAsync(ApiCall call, TimeProvider time)
    {
        var request = call.Request;
        var filter = CatalogFilter.Bind(ServiceSchemas.Service, request);
        var id = request.GetId("id");
        var location = request.GetId("location_id") is { } locationId ? await LocationsApi.LoadAsync(call, locationId) : null;
        var includeLinks = request.GetBool("include_links") ?? false;
        var page = request.GetPage();
        DateOnly? today = request.GetBool("active_services") == true ? await TodayAsync(call, time) : null;
        var services = await AccountCatalog.LoadAsync(call, CatalogKind.Service, s => call.Grains.GetGrain<IServiceGrain>(s).GetAsync());
        var locations = includeLinks ? await CatalogLinks.LocationsAsync(call) : null;
        var rows = services
            .Where(s => (id is null || s.Item.Id == id)
                && (location is null || location.ProvidersOf(s.Item.Id).Any())
                && (today is not { } date || s.Item.IsActiveOn(date)))
            .Where(s => filter.Matches(ViewValues(s.Item, s.Ord)));
        return ApiEnvelope.Ok(page.Apply(rows).Select(s => Render(s.Item, s.Ord, locations)).ToList());
    }

    // The reference answers GET /service/{id} as a one-element list (and POST/PUT as the object).
    private static async Task<IResult> GetAsync(string id, ApiCall call) =>
        ApiEnvelope.Ok(new[] { await ViewAsync(call, await LoadAsync(call, AccountCatalog.ParseId(id))) });

    private static async Task<IResult> CreateAsync(ApiCall call, IIdGenerator ids)
    {
        var id = await ids.NextIdAsync();
        var values = ServiceRules.Normalize(ServiceSchemas.Service.Bind(call.Request.Fields, create: true), call.Request.Fields, ImmutableDictionary<string, JsonElement>.Empty);
        await CheckSubServicesAsync(call, values, id);
        var applyLinks = await CatalogLinks.PrepareAsync(call, (links, document) => links.ForService(id, document, "links"));
        var created = await call.Grains.GetGrain<IServiceGrain>(id).CreateAsync(call.CompanyId, values);
        await call.Account.AddCatalogEntryAsync(CatalogKind.Service, id);
        await applyLinks();
        return ApiEnvelope.Ok(await ViewAsync(call, created));
    }

    private static async Task<IResult> UpdateAsync(string id, ApiCall call, HttpContext context)
    {
        var service = await LoadAsync(call, AccountCatalog.ParseId(id));
        var changes = ServiceRules.Normalize(ServiceSchemas.Service.Bind(call.Request.Fields, create: false), call.Request.Fields, service.Values);
        await CheckSubServicesAsync(call, changes, service.Id);
        var applyLinks = await CatalogLinks.PrepareAsync(call, (links, document) => links.ForService(service.Id, document, "links"));
        var updated = await call.Grains.GetGrain<IServiceGrain>(service.Id).UpdateAsync(changes);
        await CatalogPhotoRequests.DeleteReplacedUploadAsync(context, call, service.Photo, updated.Photo);
        await applyLinks();
        return ApiEnvelope.Ok(await ViewAsync(call, updated));
    }

    private static async Task<IResult> DeleteAsync(string id, ApiCall call, HttpContext context, IAppointmentStore appointments, TimeProvider time)
    {
        var service = await LoadAsync(call, AccountCatalog.ParseId(id));
        await UpcomingAppointments.RefuseDeleteIfAnyAsync(call, appointments, time, AppointmentOwner.Service, service.Id, "service", context.RequestAborted);
        await call.Account.RemoveCatalogEntryAsync(CatalogKind.Service, service.Id);
        var locations = await call.Account.GetCatalogAsync(CatalogKind.Location);
        await Task.WhenAll(locations.Select(l => call.Grains.GetGrain<ILocationGrain>(l).RemoveServiceAsync(service.Id)));
        var services = await call.Account.GetCatalogAsync(CatalogKind.Service);
        await Task.WhenAll(services.Select(s => call.Grains.GetGrain<IServiceGrain>(s).RemoveSubServiceAsync(service.Id)));
        await call.Grains.GetGrain<IServiceGrain>(service.Id).DeleteAsync();
        await CatalogPhotoRequests.DeleteUploadAsync(context, call, service.Photo);
        return ApiEnvelope.Ok(new Dictionary<string, object>());
    }

    private static async Task<IResult> UploadPhotoAsync(ApiCall call, HttpContext context)
    {
        var service = await LoadAsync(call, call.Request.RequireId("service"));
        return await CatalogPhotoRequests.UploadAsync(context, call, call.Grains.GetGrain<IServiceGrain>(service.Id).SetPhotoAsync);
    }

    private static async Task<IResult> RemovePhotoAsync(ApiCall call, HttpContext context)
    {
        var service = await LoadAsync(call, call.Request.RequireId("service"));
        return await CatalogPhotoRequests.RemoveAsync(context, call, call.Grains.GetGrain<IServiceGrain>(service.Id).RemovePhotoAsync);
    }

    /// <summary>Sub-services must be add-ons (is_subservice) of this account, other than the service itself.</summary>
    private static async Task CheckSubServicesAsync(ApiCall call, ImmutableDictionary<string, JsonElement> values, long self)
    {
        if (!values.ContainsKey("subservices"))
        {
            return;
        }

        var catalog = await call.Account.GetCatalogAsync(CatalogKind.Service);
        var index = 0;
        foreach (var subServiceId in ServiceRules.SubServiceIds(values))
        {
            var field = $"subservices[{index++}]";
            if (subServiceId == self)
            {
                throw ApiException.InvalidField(field, "a service cannot be its own add-on");
            }

            var subService = catalog.Contains(subServiceId) ? await call.Grains.GetGrain<IServiceGrain>(subServiceId).GetAsync() : null;
            if (subService is null || subService.CompanyId != call.CompanyId)
            {
                throw ApiException.InvalidField(field, $"no service {subServiceId} in this account");
            }

            if (!subService.IsSubservice)
            {
                throw ApiException.InvalidField(field, $"service {subServiceId} is not an add-on (is_subservice)");
            }
        }
    }

    private static async Task<DateOnly> TodayAsync(ApiCall call, TimeProvider time)
    {
        var account = await call.AccountAsync() ?? throw new NotFoundException($"no account {call.CompanyId}");
        var zone = TimeZoneTable.Embedded.TryGet(account.Profile.GetInt("timezone_id") ?? AccountSchemas.DefaultTimeZoneId, out var entry)
            ? entry
            : TimeZoneTable.Embedded.Default;
        return zone.ToLocal(Instant.FromDateTimeOffset(time.GetUtcNow())).Date.ToDateOnly();
    }

    // Single services carry their links.
    private static async Task<IReadOnlyDictionary<string, object?>> ViewAsync(ApiCall call, ServiceSnapshot service) =>
        Render(service, await AccountCatalog.OrdAsync(call, CatalogKind.Service, service.Id), await CatalogLinks.LocationsAsync(call));

    private static ImmutableDictionary<string, JsonElement> ViewValues(ServiceSnapshot service, int ord) =>
        service.Values
            .SetItem("ord", FieldValues.Number(ord))
            .SetItem("created_at", FieldValues.Text(service.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));

    private static IReadOnlyDictionary<string, object?> Render(ServiceSnapshot service, int ord, IEnumerable<LocationSnapshot>? locations)
    {
        var overrides = new Dictionary<string, object?>
        {
            ["id"] = service.Id,
            ["company_id"] = service.CompanyId,
            // From the typed entries, not the stored JSON: PostgreSQL's jsonb does not keep key order.
            [ServiceSchedules.Field] = ServiceSchedules.Render(service.Schedule),
        };
        if (locations is not null)
        {
            overrides["links"] = CatalogLinks.OfService(service.Id, locations);
        }

        return ServiceSchemas.Service.Render(ViewValues(service, ord), overrides);
    }
}
