using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.CustomFields;

/// <summary>
/// The rules a whole custom-field definition must meet, beyond what each attribute's schema checks: they
/// involve several attributes (a dropdown needs options), so they run on the merged record.
/// </summary>
public static class CustomFieldRules
{
    public const int MaxOptions = 200;

    /// <summary>The schema's defaults under the given values: what a new field starts from.</summary>
    public static ImmutableDictionary<string, JsonElement> WithDefaults(ImmutableDictionary<string, JsonElement> values)
    {
        var complete = values.ToBuilder();
        foreach (var field in CustomFieldSchemas.Field.Fields)
        {
            if (field.Default is { } value && !complete.ContainsKey(field.Name))
            {
                complete[field.Name] = value;
            }
        }

        return complete.ToImmutable();
    }

    /// <summary>Checks a complete definition and returns it normalized (dropdown options trimmed); throws naming the attribute.</summary>
    public static ImmutableDictionary<string, JsonElement> Validate(ImmutableDictionary<string, JsonElement> values)
    {
        if (string.IsNullOrWhiteSpace(values.GetText("label")))
        {
            throw new FieldValidationException("label", "is required");
        }

        if ((CustomFieldType)(values.GetInt("type") ?? 0) != CustomFieldType.Dropdown)
        {
            return values;
        }

        var options = CustomField.SplitOptions(values.GetText("options"));
        if (options.IsEmpty)
        {
            throw new FieldValidationException("options", "is required for a dropdown (type 7): pipe-delimited choices, e.g. \"Option A|Option B\"");
        }

        if (options.Length > MaxOptions)
        {
            throw new FieldValidationException("options", $"more than {MaxOptions} choices");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Length; i++)
        {
            if (options[i].Length == 0)
            {
                throw new FieldValidationException("options", $"choice {i + 1} is empty");
            }

            if (!seen.Add(options[i]))
            {
                throw new FieldValidationException("options", $"'{options[i]}' is listed twice");
            }
        }

        return values.SetItem("options", FieldValues.Text(string.Join('|', options)));
    }
}
