using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Catalog;

namespace Scheduling.Grains.Services;

/// <summary>
/// What a service's schema cannot say by itself: minutes in multiples of 5, the active dates, the
/// schedule and the sub-service list in their normalized forms, and the rules between fields
/// (set_schedule needs a schedule; an add-on has no add-ons of its own).
/// </summary>
public static class ServiceRules
{
    private static readonly string[] FiveMinuteFields = ["duration", "duration_padding", "start_step"];
    private static readonly string[] DateFields = ["active_from", "active_until"];
    private static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);

    /// <summary>
    /// Normalizes the bound <paramref name="changes"/>; <paramref name="input"/> is the raw request (for
    /// explicit nulls) and <paramref name="stored"/> the service's current values (empty on create).
    /// </summary>
    public static ImmutableDictionary<string, JsonElement> Normalize(
        ImmutableDictionary<string, JsonElement> changes,
        IReadOnlyDictionary<string, JsonElement> input,
        ImmutableDictionary<string, JsonElement> stored)
    {
        var values = changes.ToBuilder();
        foreach (var name in FiveMinuteFields)
        {
            if (values.GetInt(name) is { } minutes && minutes % 5 != 0)
            {
                throw new FieldValidationException(name, "must be a multiple of 5 minutes");
            }
        }

        foreach (var name in DateFields)
        {
            if (input.TryGetValue(name, out var raw) && raw.ValueKind == JsonValueKind.Null)
            {
                values[name] = Null;
            }
            else if (values.GetText(name) is { } text)
            {
                values[name] = text.Trim().Length == 0 ? Null : FieldValues.Text(CatalogDates.FormatIso(CatalogDates.ParseIso(text, name)));
            }
        }

        if (values.TryGetValue(ServiceSchedules.Field, out var schedule))
        {
            values[ServiceSchedules.Field] = ServiceSchedules.Render(ServiceSchedules.Parse(schedule));
        }

        if (values.TryGetValue("subservices", out var subservices))
        {
            values["subservices"] = JsonSerializer.SerializeToElement(ParseSubServices(subservices));
        }

        var merged = stored.SetItems(values);
        if (DateOf(merged, "active_from") is { } from && DateOf(merged, "active_until") is { } until && until < from)
        {
            throw new FieldValidationException("active_until", "is before active_from");
        }

        if (merged.GetBool("set_schedule") == true && ArrayLength(merged, ServiceSchedules.Field) == 0)
        {
            throw new FieldValidationException(ServiceSchedules.Field, "is required when set_schedule is 1");
        }

        if (merged.GetBool("is_subservice") == true && ArrayLength(merged, "subservices") > 0)
        {
            throw new FieldValidationException("subservices", "an add-on (is_subservice) cannot have add-ons of its own");
        }

        return values.ToImmutable();
    }

    /// <summary>Sub-service ids as stored: a JSON array of ids, no repeats.</summary>
    public static ImmutableArray<long> SubServiceIds(IReadOnlyDictionary<string, JsonElement> values) =>
        values.TryGetValue("subservices", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? [.. ids.EnumerateArray().Select(e => e.GetInt64())]
            : [];

    public static DateOnly? DateOf(IReadOnlyDictionary<string, JsonElement> values, string name) =>
        values.GetText(name) is { Length: > 0 } text ? CatalogDates.ParseIso(text, name) : null;

    private static ImmutableArray<long> ParseSubServices(JsonElement raw)
    {
        if (raw.ValueKind != JsonValueKind.Array)
        {
            throw new FieldValidationException("subservices", "must be an array of service ids");
        }

        var ids = new List<long>();
        var index = 0;
        foreach (var element in raw.EnumerateArray())
        {
            var id = RecordSchema.Normalize(new FieldSpec($"subservices[{index++}]", FieldKind.Long) { Min = 1 }, element).GetInt64();
            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }

    private static int ArrayLength(IReadOnlyDictionary<string, JsonElement> values, string name) =>
        values.TryGetValue(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.GetArrayLength() : 0;
}
