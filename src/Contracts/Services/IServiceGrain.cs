using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Catalog;
using Orleans.Concurrency;

namespace Scheduling.Contracts.Services;

/// <summary>
/// A service, keyed by service id: its fields (validated before they arrive: schedule and sub-services
/// in their normalized form), its photo, and the typed view the availability engine reads.
/// Which employees offer it where is owned by the locations (<see cref="Locations.ILocationGrain"/>).
/// </summary>
public interface IServiceGrain : IGrainWithIntegerKey
{
    Task<ServiceSnapshot> CreateAsync(long companyId, ImmutableDictionary<string, JsonElement> values);

    /// <summary>The service, or null when it does not exist (never created, or deleted).</summary>
    [ReadOnly]
    Task<ServiceSnapshot?> GetAsync();

    Task<ServiceSnapshot> UpdateAsync(ImmutableDictionary<string, JsonElement> changes);

    /// <summary>Sets the uploaded photo; returns the one it replaces (its media can be deleted).</summary>
    Task<CatalogPhoto?> SetPhotoAsync(CatalogPhoto photo);

    /// <summary>Removes the photo named <paramref name="fileName"/> (file name or URL); throws NotFoundException when it is not this service's.</summary>
    Task<CatalogPhoto> RemovePhotoAsync(string fileName);

    /// <summary>Drops a deleted add-on from this service's sub-services.</summary>
    Task RemoveSubServiceAsync(long subServiceId);

    Task DeleteAsync();
}
