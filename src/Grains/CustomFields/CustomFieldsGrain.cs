using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.CustomFields;

/// <summary>
/// One company's custom fields. A grain of its own rather than part of the account grain: the booking form
/// is read on every booking and written in batches (bulksave), so it gets its own, small state write.
/// </summary>
public sealed class CustomFieldsGrain(
    [PersistentState("customFields")] IPersistentState<CustomFieldsState> state,
    IIdGenerator ids,
    TimeProvider time) : Grain, ICustomFieldsGrain
{
    /// <summary>A booking form longer than this is a mistake, and it bounds the grain's state.</summary>
    public const int MaxFields = 200;

    private List<CustomField> Fields => state.State.Fields;

    public Task<ImmutableArray<CustomField>> ListAsync() =>
        Task.FromResult(Fields.OrderBy(f => f.Order).ThenBy(f => f.Id).ToImmutableArray());

    public Task<CustomField?> GetAsync(long id) => Task.FromResult(Fields.Find(f => f.Id == id));

    public async Task<CustomField> CreateAsync(ImmutableDictionary<string, JsonElement> values) =>
        (await SaveAsync([new CustomFieldChange(null, values)], numbered: false))[0];

    public async Task<CustomField> UpdateAsync(long id, ImmutableDictionary<string, JsonElement> changes) =>
        (await SaveAsync([new CustomFieldChange(id, changes)], numbered: false))[0];

    public Task<ImmutableArray<CustomField>> SaveManyAsync(ImmutableArray<CustomFieldChange> changes) =>
        SaveAsync(changes, numbered: true);

    public async Task DeleteAsync(long id)
    {
        var index = Fields.FindIndex(f => f.Id == id);
        if (index < 0)
        {
            throw NotFound(id);
        }

        Fields.RemoveAt(index);
        await state.WriteStateAsync();
    }

    // Every item is checked before anything changes, so a bad item leaves the state (and the activation's
    // copy of it) untouched; then one write stores them all.
    private async Task<ImmutableArray<CustomField>> SaveAsync(ImmutableArray<CustomFieldChange> changes, bool numbered)
    {
        var now = time.GetUtcNow();
        var nextOrder = Fields.Count == 0 ? 0 : Fields.Max(f => f.Order) + 1;
        var checkedValues = new ImmutableDictionary<string, JsonElement>[changes.Length];
        var seen = new HashSet<long>();
        var creating = 0;
        for (var i = 0; i < changes.Length; i++)
        {
            var change = changes[i];
            try
            {
                if (change.Id is { } id)
                {
                    if (!seen.Add(id))
                    {
                        throw new FieldValidationException("id", $"custom field {id} appears more than once");
                    }

                    var existing = Fields.Find(f => f.Id == id)
                        ?? throw (numbered ? new NotFoundException($"[{i}].id: custom field {id} not found") : NotFound(id));
                    checkedValues[i] = CustomFieldRules.Validate(existing.Values.Merge(change.Values));
                }
                else
                {
                    var values = CustomFieldRules.WithDefaults(change.Values);
                    if (!values.ContainsKey("ord"))
                    {
                        values = values.SetItem("ord", FieldValues.Number(nextOrder++));
                    }

                    checkedValues[i] = CustomFieldRules.Validate(values);
                    creating++;
                }
            }
            catch (FieldValidationException invalid) when (numbered)
            {
                throw new FieldValidationException($"[{i}].{invalid.Field}", invalid.Problem);
            }
        }

        if (Fields.Count + creating > MaxFields)
        {
            throw new LimitReachedException($"a company has at most {MaxFields} custom fields; this one has {Fields.Count}");
        }

        // Ids first: nothing in memory changes until every await that could fail is behind us.
        var newIds = new Queue<long>(creating);
        for (var i = 0; i < creating; i++)
        {
            newIds.Enqueue(await ids.NextIdAsync());
        }

        var saved = ImmutableArray.CreateBuilder<CustomField>(changes.Length);
        for (var i = 0; i < changes.Length; i++)
        {
            if (changes[i].Id is { } id)
            {
                var index = Fields.FindIndex(f => f.Id == id);
                Fields[index] = Fields[index] with { Values = checkedValues[i], UpdatedAt = now };
                saved.Add(Fields[index]);
            }
            else
            {
                var field = new CustomField(newIds.Dequeue(), this.GetPrimaryKeyLong(), checkedValues[i], now, now);
                Fields.Add(field);
                saved.Add(field);
            }
        }

        await state.WriteStateAsync();
        return saved.MoveToImmutable();
    }

    private static NotFoundException NotFound(long id) => new($"custom field {id} not found");
}
