using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Locations;
using Scheduling.Grains.Locations;

namespace Scheduling.ApiHost.Catalog;

/// <summary>
/// Links between locations, employees and services, given from any side (a location's, employee's or
/// service's <c>links</c>, or assignServices) and always applied to the locations, which own them
/// (DESIGN §4). Each <c>For...</c> method reads and checks a document against the account's catalog
/// at once and returns the action that applies it, so a request validates everything before it
/// creates or changes anything, and a bad id changes nothing.
/// </summary>
public sealed class CatalogLinks
{
    private CatalogLinks(ApiCall call, LinkLevel locations, LinkLevel employees, LinkLevel services)
    {
        Call = call;
        Locations = locations;
        Employees = employees;
        Services = services;
    }

    private ApiCall Call { get; }

    private LinkLevel Locations { get; }

    private LinkLevel Employees { get; }

    private LinkLevel Services { get; }

    public static async Task<CatalogLinks> LoadAsync(ApiCall call) => new(
        call,
        new LinkLevel("location", await call.Account.GetCatalogAsync(CatalogKind.Location)),
        new LinkLevel("employee", await call.Account.GetCatalogAsync(CatalogKind.Employee)),
        new LinkLevel("service", await call.Account.GetCatalogAsync(CatalogKind.Service)));

    /// <summary>
    /// Reads the request's <c>links</c> field, if it has one (null or "" mean none), with
    /// <paramref name="read"/>; returns the action that applies it.
    /// </summary>
    public static async Task<Func<Task>> PrepareAsync(ApiCall call, Func<CatalogLinks, JsonElement, Func<Task>> read) =>
        call.Request.GetElement("links") is { } document && !(document.ValueKind == JsonValueKind.String && document.GetString()!.Trim().Length == 0)
            ? read(await LoadAsync(call), document)
            : () => Task.CompletedTask;

    /// <summary>The links fields of assignServices: the request's fields keyed by an id, "0" or "all", as one document.</summary>
    public static JsonElement AssignmentDocument(ApiRequest request, string example)
    {
        var assignments = request.Fields
            .Where(f => f.Key.Equals("all", StringComparison.OrdinalIgnoreCase) || (f.Key.Length > 0 && f.Key.All(char.IsAsciiDigit)))
            .ToDictionary(f => f.Key, f => f.Value);
        return assignments.Count > 0
            ? JsonSerializer.SerializeToElement(assignments)
            : throw ApiException.InvalidField("body", $"must map ids to lists of service ids: {example}");
    }

    /// <summary>A location's links: employee → services at that location.</summary>
    public Func<Task> ForLocation(long locationId, JsonElement document, string field)
    {
        var links = LinkDocuments.Parse(document, field, Employees, Services);
        return () => Location(locationId).SetEmployeeServicesAsync([.. links.Select(l => new LocationLink(l.Outer, l.Inner))]);
    }

    /// <summary>An employee's links: location → the services the employee offers there.</summary>
    public Func<Task> ForEmployee(long employeeId, JsonElement document, string field)
    {
        var links = LinkDocuments.Parse(document, field, Locations, Services);
        return () => Task.WhenAll(links.Select(l => Location(l.Outer).SetEmployeeServicesAsync([new LocationLink(employeeId, l.Inner)])));
    }

    /// <summary>A service's links: employee → the locations where the employee offers the service.</summary>
    public Func<Task> ForService(long serviceId, JsonElement document, string field)
    {
        var links = LinkDocuments.Parse(document, field, Employees, Locations);
        return () => Task.WhenAll(Locations.Ids.Select(locationId =>
        {
            ImmutableArray<long> offeredBy = [.. links.Where(l => l.Inner.Contains(locationId)).Select(l => l.Outer)];
            ImmutableArray<long> notOfferedBy = [.. links.Where(l => !l.Inner.Contains(locationId)).Select(l => l.Outer)];
            return Location(locationId).SetServiceProvidersAsync(serviceId, offeredBy, notOfferedBy);
        }));
    }

    /// <summary>Every location of the account with its links, for rendering links from the employee's or service's side.</summary>
    public static async Task<IReadOnlyList<LocationSnapshot>> LocationsAsync(ApiCall call) =>
        [.. (await AccountCatalog.LoadAsync(call, CatalogKind.Location, id => call.Grains.GetGrain<ILocationGrain>(id).GetAsync())).Select(l => l.Item)];

    /// <summary>A location's links as the reference writes them: {"EMPLOYEE_ID": {"SERVICE_ID": 1}}.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> OfLocation(LocationSnapshot location) =>
        location.Links.ToDictionary(l => Key(l.EmployeeId), l => Flags(l.ServiceIds));

    /// <summary>An employee's links: {"LOCATION_ID": {"SERVICE_ID": 1}}.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> OfEmployee(long employeeId, IEnumerable<LocationSnapshot> locations) =>
        locations
            .Select(location => (location.Id, Link: location.Links.FirstOrDefault(l => l.EmployeeId == employeeId)))
            .Where(p => p.Link is not null)
            .ToDictionary(p => Key(p.Id), p => Flags(p.Link!.ServiceIds));

    /// <summary>A service's links: {"EMPLOYEE_ID": {"LOCATION_ID": 1}}.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> OfService(long serviceId, IEnumerable<LocationSnapshot> locations) =>
        locations
            .SelectMany(location => location.ProvidersOf(serviceId).Select(employeeId => (EmployeeId: employeeId, LocationId: location.Id)))
            .GroupBy(p => p.EmployeeId)
            .ToDictionary(g => Key(g.Key), g => Flags(g.Select(p => p.LocationId)));

    private ILocationGrain Location(long id) => Call.Grains.GetGrain<ILocationGrain>(id);

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static IReadOnlyDictionary<string, int> Flags(IEnumerable<long> ids) => ids.Distinct().ToDictionary(Key, _ => 1);
}
