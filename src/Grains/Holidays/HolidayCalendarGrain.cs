using Orleans.Core;
using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Holidays;
using Scheduling.Grains.Snapshots;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Holidays;

/// <summary>
/// One company's holidays. A grain of its own rather than part of the account grain: availability reads the
/// holidays on every computation and they change on their own schedule, so their writes stay small and
/// never contend with the account's.
/// </summary>
public sealed class HolidayCalendarGrain(
    [PersistentState("holidays")] IPersistentState<HolidayCalendarState> state,
    IIdGenerator ids,
    TimeProvider time) : SnapshotGrain<ImmutableArray<Holiday>>, IHolidayCalendarGrain
{
    /// <summary>Bounds the grain's state; no business closes on more distinct occasions.</summary>
    public const int MaxHolidays = 500;

    private List<Holiday> Holidays => state.State.Holidays;

    public Task<ImmutableArray<Holiday>> ListAsync() => Task.FromResult(CurrentSnapshot());

    protected override IStorage SnapshotState => state;

    protected override ImmutableArray<Holiday> CurrentSnapshot() => [.. Holidays];

    public Task<Holiday?> GetAsync(long id) => Task.FromResult(Holidays.Find(h => h.Id == id));

    public async Task<Holiday> CreateAsync(ImmutableDictionary<string, JsonElement> values)
    {
        if (Holidays.Count >= MaxHolidays)
        {
            throw new LimitReachedException($"a company has at most {MaxHolidays} holidays");
        }

        // Checked before the id is drawn, so a refused holiday costs nothing.
        var holiday = HolidayChanges.Apply(null, 0, this.GetPrimaryKeyLong(), values, time.GetUtcNow());
        holiday = holiday with { Id = await ids.NextIdAsync() };
        Holidays.Add(holiday);
        await state.WriteStateAsync();
        return holiday;
    }

    public async Task<Holiday> UpdateAsync(long id, ImmutableDictionary<string, JsonElement> changes)
    {
        var index = Holidays.FindIndex(h => h.Id == id);
        if (index < 0)
        {
            throw NotFound(id);
        }

        Holidays[index] = HolidayChanges.Apply(Holidays[index], id, this.GetPrimaryKeyLong(), changes, time.GetUtcNow());
        await state.WriteStateAsync();
        return Holidays[index];
    }

    public async Task DeleteAsync(ImmutableArray<long> ids)
    {
        foreach (var id in ids)
        {
            if (!Holidays.Exists(h => h.Id == id))
            {
                throw NotFound(id);
            }
        }

        Holidays.RemoveAll(h => ids.Contains(h.Id));
        await state.WriteStateAsync();
    }

    private static NotFoundException NotFound(long id) => new($"holiday {id} not found");
}
