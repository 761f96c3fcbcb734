using System.Collections.Immutable;
using System.Text.Json;
using Orleans.Concurrency;

namespace Scheduling.Contracts.Holidays;

/// <summary>
/// The holidays of one company, keyed by company id: the days its availability closes. Holiday ids come from
/// the global id generator; an id this grain does not hold is not found.
/// </summary>
public interface IHolidayCalendarGrain : IGrainWithIntegerKey
{
    /// <summary>Every holiday (enabled or not), in creation order.</summary>
    [ReadOnly]
    Task<ImmutableArray<Holiday>> ListAsync();

    /// <summary>The holiday, or null when this company has no holiday with that id.</summary>
    [ReadOnly]
    Task<Holiday?> GetAsync(long id);

    /// <summary>Creates a holiday from schema-bound values; throws FieldValidationException naming a missing or bad attribute.</summary>
    Task<Holiday> CreateAsync(ImmutableDictionary<string, JsonElement> values);

    /// <summary>Applies changes to a holiday; throws NotFoundException when this company has no such holiday.</summary>
    Task<Holiday> UpdateAsync(long id, ImmutableDictionary<string, JsonElement> changes);

    /// <summary>Deletes the holidays, all or none: one id this company does not hold deletes nothing (NotFoundException).</summary>
    Task DeleteAsync(ImmutableArray<long> ids);
}
