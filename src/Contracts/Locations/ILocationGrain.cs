using Orleans.Concurrency;
using System.Collections.Immutable;
using System.Text.Json;
using Orleans;
using Scheduling.Contracts.Catalog;

namespace Scheduling.Contracts.Locations;

/// <summary>
/// A location, keyed by location id: its fields, its photo, and the owner of the links at this place —
/// which employee offers which service here, in which order (DESIGN §4). Links given from the
/// employee's or the service's side are applied here too, so there is one truth per location.
/// </summary>
public interface ILocationGrain : IGrainWithIntegerKey
{
    Task<LocationSnapshot> CreateAsync(long companyId, ImmutableDictionary<string, JsonElement> values);

    /// <summary>The location, or null when it does not exist (never created, or deleted).</summary>
    [ReadOnly]
    Task<LocationSnapshot?> GetAsync();

    Task<LocationSnapshot> UpdateAsync(ImmutableDictionary<string, JsonElement> changes);

    /// <summary>Sets the uploaded photo; returns the one it replaces (its media can be deleted).</summary>
    Task<CatalogPhoto?> SetPhotoAsync(CatalogPhoto photo);

    /// <summary>Removes the photo named <paramref name="fileName"/> (file name or URL); throws NotFoundException when it is not this location's.</summary>
    Task<CatalogPhoto> RemovePhotoAsync(string fileName);

    /// <summary>
    /// For each employee given, the services the employee offers here become exactly the ones listed,
    /// in that order (an empty list unlinks the employee). Employees not given keep their links.
    /// </summary>
    Task SetEmployeeServicesAsync(ImmutableArray<LocationLink> links);

    /// <summary>Whether each given employee offers <paramref name="serviceId"/> here; others keep their links.</summary>
    Task SetServiceProvidersAsync(long serviceId, ImmutableArray<long> offeredBy, ImmutableArray<long> notOfferedBy);

    /// <summary>Unlinks a deleted service from every employee here.</summary>
    Task RemoveServiceAsync(long serviceId);

    Task DeleteAsync();

    /// <summary>
    /// Books with "any available provider" (SPEC §8): offers the booking to the employees who offer its service
    /// here, round robin from the one after the last assigned, until a calendar takes it. None free: 409 / 10 when
    /// some were only full, else 422 / 9. Interleaves, so one location never serializes its calendars' bookings.
    /// </summary>
    [AlwaysInterleave]
    Task<Appointments.Appointment> BookAnyProviderAsync(Appointments.BookingRequest request);
}

/// <summary>One employee's services at a location, in the order they are offered.</summary>
[GenerateSerializer]
[Alias("scheduling.location-link")]
[Immutable]
public sealed record LocationLink([Id(0)] long EmployeeId, [Id(1)] ImmutableArray<long> ServiceIds);

/// <summary>A location as stored: schema values, links in order, and the uploaded photo.</summary>
[GenerateSerializer]
[Alias("scheduling.location-snapshot")]
[Immutable]
public sealed record LocationSnapshot(
    [Id(0)] long Id,
    [Id(1)] long CompanyId,
    [Id(2)] DateTimeOffset CreatedAt,
    [Id(3)] ImmutableDictionary<string, JsonElement> Values,
    [Id(4)] ImmutableArray<LocationLink> Links,
    [Id(5)] CatalogPhoto? Photo)
{
    /// <summary>The location's time zone id (SPEC §6); set from the account's when the location was created without one.</summary>
    public int TimeZoneId => Records.FieldValues.GetInt(Values, "timezone_id") ?? Accounts.AccountSchemas.DefaultTimeZoneId;

    public bool Offers(long employeeId, long serviceId) =>
        Links.Any(l => l.EmployeeId == employeeId && l.ServiceIds.Contains(serviceId));

    /// <summary>The employees who offer the service here, in the location's order.</summary>
    public IEnumerable<long> ProvidersOf(long serviceId) =>
        Links.Where(l => l.ServiceIds.Contains(serviceId)).Select(l => l.EmployeeId);
}
