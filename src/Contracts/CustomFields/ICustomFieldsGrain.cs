using System.Collections.Immutable;
using System.Text.Json;
using Orleans.Concurrency;

namespace Scheduling.Contracts.CustomFields;

/// <summary>
/// The custom fields (booking form) of one company, keyed by company id. Field ids come from the global id
/// generator, so an id names one field of one company; an id this grain does not hold is not found.
/// </summary>
public interface ICustomFieldsGrain : IGrainWithIntegerKey
{
    /// <summary>Every field, in form order (<c>ord</c>, then id).</summary>
    [ReadOnly]
    Task<ImmutableArray<CustomField>> ListAsync();

    /// <summary>The field, or null when this company has no field with that id.</summary>
    [ReadOnly]
    Task<CustomField?> GetAsync(long id);

    Task<CustomField> CreateAsync(ImmutableDictionary<string, JsonElement> values);

    /// <summary>Applies changes to a field; throws NotFoundException when this company has no such field.</summary>
    Task<CustomField> UpdateAsync(long id, ImmutableDictionary<string, JsonElement> changes);

    /// <summary>
    /// Creates and modifies several fields at once, all or nothing: one bad item saves none, and the error names
    /// the item's index (<c>[2].label</c>). Returns the saved fields in the order given.
    /// </summary>
    Task<ImmutableArray<CustomField>> SaveManyAsync(ImmutableArray<CustomFieldChange> changes);

    /// <summary>Deletes a field; throws NotFoundException when this company has no such field.</summary>
    Task DeleteAsync(long id);
}
