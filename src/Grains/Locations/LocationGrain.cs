using Orleans.Core;
using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Catalog;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Catalog;
using Scheduling.Grains.Snapshots;

namespace Scheduling.Grains.Locations;

/// <summary>One location: its fields, photo, and the links of who offers what here.</summary>
public sealed class LocationGrain([PersistentState("location")] IPersistentState<LocationState> location, TimeProvider time) : SnapshotGrain<LocationSnapshot?>, ILocationGrain
{
    private const string PhotoField = "photo";

    // Where the next "any provider" booking starts looking: in memory only, as fairness is best effort and a
    // write per booking to keep it would serialize the location's bookings.
    private int _nextProvider;

    private LocationState State => location.State;

    public async Task<LocationSnapshot> CreateAsync(long companyId, ImmutableDictionary<string, JsonElement> values)
    {
        if (location.RecordExists)
        {
            throw new InvalidOperationException($"Location {this.GetPrimaryKeyLong()} already exists.");
        }

        location.State = new LocationState { CompanyId = companyId, CreatedAt = time.GetUtcNow(), Values = values };
        await location.WriteStateAsync();
        return Snapshot();
    }

    public Task<LocationSnapshot?> GetAsync() => Task.FromResult(CurrentSnapshot());

    protected override IStorage SnapshotState => location;

    protected override LocationSnapshot? CurrentSnapshot() => location.RecordExists ? Snapshot() : null;

    public async Task<LocationSnapshot> UpdateAsync(ImmutableDictionary<string, JsonElement> changes)
    {
        EnsureExists();
        State.Values = State.Values.Merge(changes);
        State.Photo = CatalogPhotos.Kept(State.Photo, State.Values, PhotoField);
        await location.WriteStateAsync();
        return Snapshot();
    }

    public async Task<CatalogPhoto?> SetPhotoAsync(CatalogPhoto photo)
    {
        EnsureExists();
        var previous = State.Photo;
        State.Photo = photo;
        State.Values = CatalogPhotos.Show(State.Values, PhotoField, photo);
        await location.WriteStateAsync();
        return previous;
    }

    public async Task<CatalogPhoto> RemovePhotoAsync(string fileName)
    {
        EnsureExists();
        var (values, removed) = CatalogPhotos.Remove(State.Values, State.Photo, PhotoField, fileName)
            ?? throw new NotFoundException($"location {this.GetPrimaryKeyLong()} has no photo '{fileName}'");
        State.Values = values;
        State.Photo = null;
        await location.WriteStateAsync();
        return removed;
    }

    public async Task SetEmployeeServicesAsync(ImmutableArray<LocationLink> links)
    {
        EnsureExists();
        var result = State.Links.ToList();
        foreach (var link in links)
        {
            var index = result.FindIndex(l => l.EmployeeId == link.EmployeeId);
            if (link.ServiceIds.IsEmpty)
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                result[index] = link;
            }
            else
            {
                result.Add(link);
            }
        }

        await SaveLinksAsync(result);
    }

    public async Task SetServiceProvidersAsync(long serviceId, ImmutableArray<long> offeredBy, ImmutableArray<long> notOfferedBy)
    {
        EnsureExists();
        var result = State.Links
            .Select(l => notOfferedBy.Contains(l.EmployeeId) ? l with { ServiceIds = l.ServiceIds.Remove(serviceId) } : l)
            .Select(l => offeredBy.Contains(l.EmployeeId) && !l.ServiceIds.Contains(serviceId) ? l with { ServiceIds = l.ServiceIds.Add(serviceId) } : l)
            .ToList();
        result.AddRange(offeredBy.Where(e => result.All(l => l.EmployeeId != e)).Select(e => new LocationLink(e, [serviceId])));
        await SaveLinksAsync(result.Where(l => !l.ServiceIds.IsEmpty).ToList());
    }

    public async Task RemoveServiceAsync(long serviceId)
    {
        if (location.RecordExists && State.Links.Any(l => l.ServiceIds.Contains(serviceId)))
        {
            await SaveLinksAsync([.. State.Links.Select(l => l with { ServiceIds = l.ServiceIds.Remove(serviceId) }).Where(l => !l.ServiceIds.IsEmpty)]);
        }
    }

    public async Task DeleteAsync()
    {
        if (location.RecordExists)
        {
            await location.ClearStateAsync();
        }
    }

    public async Task<Appointment> BookAnyProviderAsync(BookingRequest request)
    {
        EnsureExists();
        var serviceId = request.Slot?.Service.Id ?? throw new ArgumentException("a booking needs the slot it asks for", nameof(request));
        var providers = State.Links.Where(l => l.ServiceIds.Contains(serviceId)).Select(l => l.EmployeeId).ToList();
        var occupied = false;
        var first = providers.Count == 0 ? 0 : _nextProvider % providers.Count;
        for (var i = 0; i < providers.Count; i++)
        {
            var index = (first + i) % providers.Count;
            try
            {
                var booked = await GrainFactory.GetGrain<ICalendarGrain>(providers[index]).BookAsync(request);
                _nextProvider = index + 1;
                return booked;
            }
            catch (SlotOccupiedException)
            {
                occupied = true;
            }
            catch (Exception ex) when (ex is SlotNotAvailableException or NotFoundException)
            {
                // Not working then, inactive, or deleted since the link was read: try the next one.
            }
        }

        throw occupied
            ? new SlotOccupiedException($"every provider of service {serviceId} at location {this.GetPrimaryKeyLong()} is booked then")
            : new SlotNotAvailableException($"no provider of service {serviceId} at location {this.GetPrimaryKeyLong()} offers that time");
    }

    private async Task SaveLinksAsync(List<LocationLink> links)
    {
        // Writes only real changes: "all" forms touch every location, most of which do not change.
        if (links.Count == State.Links.Length && links.Zip(State.Links).All(p => p.First.EmployeeId == p.Second.EmployeeId && p.First.ServiceIds.SequenceEqual(p.Second.ServiceIds)))
        {
            return;
        }

        State.Links = [.. links];
        await location.WriteStateAsync();
    }

    private void EnsureExists()
    {
        if (!location.RecordExists)
        {
            throw new NotFoundException($"location {this.GetPrimaryKeyLong()} not found");
        }
    }

    private LocationSnapshot Snapshot() =>
        new(this.GetPrimaryKeyLong(), State.CompanyId, State.CreatedAt, State.Values, State.Links, State.Photo);
}
