using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Scheduling.Contracts.Records;

/// <summary>Typed reads of stored record values (what domain code needs from a schema-bound record).</summary>
public static class FieldValues
{
    public static string? GetText(this IReadOnlyDictionary<string, JsonElement> values, string name) =>
        values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long? GetLong(this IReadOnlyDictionary<string, JsonElement> values, string name) =>
        values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    public static int? GetInt(this IReadOnlyDictionary<string, JsonElement> values, string name) =>
        values.GetLong(name) is { } n && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;

    public static decimal? GetDecimal(this IReadOnlyDictionary<string, JsonElement> values, string name) =>
        values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null;

    public static bool? GetBool(this IReadOnlyDictionary<string, JsonElement> values, string name) =>
        values.TryGetValue(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => v.GetRawText() != "0",
                _ => null,
            }
            : null;

    /// <summary>Applies a partial update: the given values replace the stored ones.</summary>
    public static ImmutableDictionary<string, JsonElement> Merge(this ImmutableDictionary<string, JsonElement> stored, IReadOnlyDictionary<string, JsonElement> changes) =>
        stored.SetItems(changes);

    public static JsonElement Text(string? value) => JsonSerializer.SerializeToElement(value);

    public static JsonElement Number(long value) => JsonSerializer.SerializeToElement(value);

    public static JsonElement Bool(bool value) => JsonSerializer.SerializeToElement(value);

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
