using System.Globalization;
using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Catalog;

/// <summary>
/// Lenient reads of values nested in request documents (links, schedules, availabilities), through the
/// same normalization as top-level fields, so "9" and 9 mean the same and errors name the full path
/// ("schedule[0].start_time.hour").
/// </summary>
public static class DocumentFields
{
    public static int Int(JsonElement raw, string path, int min, int max) =>
        RecordSchema.Normalize(new FieldSpec(path, FieldKind.Int) { Min = min, Max = max }, raw).GetInt32();

    public static bool Flag(JsonElement raw, string path) =>
        RecordSchema.Normalize(new FieldSpec(path, FieldKind.Bool), raw).GetBoolean();

    public static string Text(JsonElement raw, string path, int maxLength = 64) =>
        RecordSchema.Normalize(new FieldSpec(path, FieldKind.Text) { MaxLength = maxLength }, raw).GetString()!;

    /// <summary>An optional member: absent, null and "" all mean "not given".</summary>
    public static JsonElement? Member(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            && !(value.ValueKind == JsonValueKind.String && value.GetString()!.Trim().Length == 0)
            ? value
            : null;

    public static JsonElement Required(JsonElement item, string name, string path) =>
        Member(item, name) ?? throw new FieldValidationException($"{path}.{name}", "is required");

    /// <summary>A document given as JSON text (form bodies carry nested values as strings) is parsed; others pass through.</summary>
    public static JsonElement Parsed(JsonElement raw, string path)
    {
        if (raw.ValueKind != JsonValueKind.String)
        {
            return raw;
        }

        try
        {
            using var document = JsonDocument.Parse(raw.GetString()!);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new FieldValidationException(path, "must be a JSON object or array");
        }
    }

    /// <summary>An id given as a number or numeric text, positive.</summary>
    public static bool TryId(string text, out long id) =>
        long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
}
