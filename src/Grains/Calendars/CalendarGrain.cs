using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Catalog;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Accounts;
using Scheduling.Grains.Catalog;
using Scheduling.Grains.Snapshots;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Calendars;

/// <summary>One employee's calendar: the profile and working hours now, bookings later (DESIGN §4).</summary>
public sealed partial class CalendarGrain(
    [PersistentState("calendar", OutboxStorageNames.Outbox)] IPersistentState<CalendarState> calendar,
    GrainOutbox outbox,
    LocalSnapshots snapshots,
    TimeProvider time) : Grain, ICalendarGrain, IIncomingGrainCallFilter
{
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => outbox.EndTurnAsync(context);

    private const string PhotoField = "photo_url";

    private CalendarState State => calendar.State;

    private EmployeeProfile Profile => calendar.State.Profile;

    public async Task<EmployeeSnapshot> CreateAsync(long companyId, ImmutableDictionary<string, JsonElement> values, string? password)
    {
        if (calendar.RecordExists)
        {
            throw new InvalidOperationException($"Employee {this.GetPrimaryKeyLong()} already exists.");
        }

        calendar.State = new CalendarState
        {
            CompanyId = companyId,
            CreatedAt = time.GetUtcNow(),
            Profile = new EmployeeProfile { Values = values, PasswordHash = password is null ? null : Secrets.HashPassword(password) },
        };
        await calendar.WriteStateAsync();
        return Snapshot();
    }

    public Task<EmployeeSnapshot?> GetAsync() => Task.FromResult(calendar.RecordExists ? Snapshot() : null);

    public async Task<EmployeeSnapshot> UpdateAsync(ImmutableDictionary<string, JsonElement> changes, string? password)
    {
        EnsureExists();
        Profile.Values = Profile.Values.Merge(changes);
        Profile.Photo = CatalogPhotos.Kept(Profile.Photo, Profile.Values, PhotoField);
        if (password is not null)
        {
            Profile.PasswordHash = Secrets.HashPassword(password);
        }

        await calendar.WriteStateAsync();
        return Snapshot();
    }

    public async Task<CatalogPhoto?> SetPhotoAsync(CatalogPhoto photo)
    {
        EnsureExists();
        var previous = Profile.Photo;
        Profile.Photo = photo;
        Profile.Values = CatalogPhotos.Show(Profile.Values, PhotoField, photo);
        await calendar.WriteStateAsync();
        return previous;
    }

    public async Task<CatalogPhoto> RemovePhotoAsync(string fileName)
    {
        EnsureExists();
        var (values, removed) = CatalogPhotos.Remove(Profile.Values, Profile.Photo, PhotoField, fileName)
            ?? throw new NotFoundException($"employee {this.GetPrimaryKeyLong()} has no photo '{fileName}'");
        Profile.Values = values;
        Profile.Photo = null;
        await calendar.WriteStateAsync();
        return removed;
    }

    public async Task SetAvailabilityAsync(ImmutableArray<AvailabilityAssignment> assignments)
    {
        EnsureExists();
        State.Availability = assignments;
        await calendar.WriteStateAsync();
    }

    public Task<ImmutableArray<AvailabilityAssignment>> GetAvailabilityAsync()
    {
        EnsureExists();
        return Task.FromResult(State.Availability);
    }

    public async Task RemoveLocationAsync(long locationId)
    {
        if (calendar.RecordExists && State.Availability.Any(a => a.LocationId == locationId))
        {
            State.Availability = State.Availability.RemoveAll(a => a.LocationId == locationId);
            await calendar.WriteStateAsync();
        }
    }

    public async Task DeleteAsync()
    {
        if (calendar.RecordExists)
        {
            await calendar.ClearStateAsync();
        }
    }

    private void EnsureExists()
    {
        if (!calendar.RecordExists)
        {
            throw new NotFoundException($"employee {this.GetPrimaryKeyLong()} not found");
        }
    }

    private EmployeeSnapshot Snapshot() =>
        new(this.GetPrimaryKeyLong(), State.CompanyId, State.CreatedAt, Profile.Values, Profile.Photo, Profile.PasswordHash is not null);
}
