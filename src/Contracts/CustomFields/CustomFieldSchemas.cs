using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.CustomFields;

/// <summary>A custom field's attributes as the reference names them (GET/POST/PUT /customfield, bulksave).</summary>
public static class CustomFieldSchemas
{
    /// <summary>The longest answer any field accepts, whatever its own <c>length</c> (0 = this limit).</summary>
    public const int MaxAnswerLength = 10_000;

    public static RecordSchema Field { get; } = new("custom field",
    [
        // Server-owned, declared so they render first (the reference's order); input for them is ignored.
        new("id", FieldKind.Long) { ReadOnly = true },
        new("company_id", FieldKind.Long) { ReadOnly = true },
        new("label", FieldKind.Text) { Required = true, MaxLength = 255 },
        // The longest answer a client may give; 0 = no limit of its own (MaxAnswerLength still applies).
        new("length", FieldKind.Int) { Min = 0, Max = MaxAnswerLength, Default = Number(0) },
        new("type", FieldKind.Int) { AllowedValues = ["0", "1", "2", "3", "4", "5", "6", "7"], Default = Number(0) },
        new("required", FieldKind.Bool) { Default = Bool(false) },
        new("ord", FieldKind.Int) { Min = 0, Max = 1_000_000 },
        new("status", FieldKind.Bool) { Default = Bool(true) },
        new("visibility", FieldKind.Int) { AllowedValues = ["1", "2", "3"], Default = Number(1) },
        new("readonly", FieldKind.Bool) { Default = Bool(false) },
        new("removable", FieldKind.Bool) { Default = Bool(false) },
        new("readonly_type", FieldKind.Int) { Min = 0, Max = 1_000, Default = Number(0) },
        new("hint", FieldKind.Text) { MaxLength = 1_000, Default = Text(string.Empty) },
        // Dropdown choices, pipe-delimited ("Option A|Option B"); required when type is 7.
        new("options", FieldKind.Text) { MaxLength = MaxAnswerLength, Default = Text(string.Empty) },
        new("multiselect", FieldKind.Flag) { Default = Number(0) },
    ]);

    private static JsonElement Number(long value) => FieldValues.Number(value);

    private static JsonElement Bool(bool value) => FieldValues.Bool(value);

    private static JsonElement Text(string value) => FieldValues.Text(value);
}
