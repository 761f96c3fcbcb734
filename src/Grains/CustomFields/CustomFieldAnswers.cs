using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.CustomFields;

/// <summary>
/// Reads an appointment's <c>custom_fields</c> (SPEC §5): <c>{"FIELD_ID": ["VALUE", "LABEL"(, "h")]}</c>.
/// The shape and the server's size limits are always checked; with <c>validate_custom_fields=1</c> the
/// answers must also fit the company's fields: known ids, required fields answered, each field's
/// <c>length</c>, and its type (phone, e-mail, address, dropdown choices). Errors name <c>custom_fields</c>
/// and the field id.
/// </summary>
public static partial class CustomFieldAnswers
{
    public const string FieldName = "custom_fields";
    public const int MaxAnswers = 200;
    public const int MaxLabelLength = 255;
    public const int MaxKeyLength = 64;

    // An address VALUE: [address, apt, city, state, zip].
    private const int AddressParts = 5;

    // A list VALUE (address or multi-select) longer than this is not an answer anyone typed.
    private const int MaxListItems = CustomFieldRules.MaxOptions;

    // Keys are field ids; the reference's appointment filters also spell them "custom_field_<id>".
    private const string KeyPrefix = "custom_field_";

    /// <summary>
    /// Reads the answers in the order given. Without <paramref name="validate"/>, answers for fields the
    /// company does not have are kept as given (hidden data passed by an integration).
    /// </summary>
    public static ImmutableArray<CustomFieldAnswer> Read(JsonElement input, IReadOnlyCollection<CustomField> fields, bool validate)
    {
        ArgumentNullException.ThrowIfNull(fields);
        switch (input.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return Missing(fields, validate);
            case JsonValueKind.String when string.IsNullOrWhiteSpace(input.GetString()):
                return Missing(fields, validate);
            case JsonValueKind.String:
                // A form post carries the object as JSON text.
                return Read(ParseText(input.GetString()!), fields, validate);
            case JsonValueKind.Array when input.GetArrayLength() == 0:
                // PHP clients encode an empty map as [].
                return Missing(fields, validate);
            case JsonValueKind.Object:
                break;
            default:
                throw Invalid("must be an object {\"FIELD_ID\": [\"VALUE\", \"LABEL\"]}");
        }

        var byId = fields.ToDictionary(f => f.Id);
        var answers = ImmutableArray.CreateBuilder<CustomFieldAnswer>();
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in input.EnumerateObject())
        {
            if (answers.Count == MaxAnswers)
            {
                throw Invalid($"more than {MaxAnswers} answers");
            }

            var key = property.Name.Trim();
            if (key.Length is 0 or > MaxKeyLength)
            {
                throw Invalid($"'{Shorten(key)}' is not a custom field id");
            }

            var field = FieldId(key) is { } id && byId.TryGetValue(id, out var known) ? known : null;
            if (field is null && validate)
            {
                throw Invalid($"{key}: no such custom field");
            }

            var fieldId = field?.Id.ToString(CultureInfo.InvariantCulture) ?? key;
            if (!answered.Add(fieldId))
            {
                throw Invalid($"{fieldId}: answered twice");
            }

            var answer = ReadAnswer(fieldId, property.Value, field);
            answers.Add(validate && field is not null ? Check(answer, field) : answer);
        }

        if (validate)
        {
            CheckRequired(fields, answers);
        }

        return answers.ToImmutable();
    }

    // Most bookings answer nothing: one shared (immutable) empty object for them.
    private static readonly JsonElement NoAnswers = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>The answers in the wire form: <c>{"FIELD_ID": ["VALUE", "LABEL"(, "h")]}</c>.</summary>
    public static JsonElement ToJson(IEnumerable<CustomFieldAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.TryGetNonEnumeratedCount(out var count) && count == 0)
        {
            return NoAnswers;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var answer in answers)
            {
                writer.WriteStartArray(answer.FieldId);
                answer.Value.WriteTo(writer);
                writer.WriteStringValue(answer.Label);
                if (answer.Hidden)
                {
                    writer.WriteStringValue("h");
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>Whether an answer counts as not given: blank text, or a list of blanks.</summary>
    public static bool IsBlank(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()),
        JsonValueKind.Array => value.EnumerateArray().All(IsBlank),
        _ => true,
    };

    private static ImmutableArray<CustomFieldAnswer> Missing(IReadOnlyCollection<CustomField> fields, bool validate)
    {
        if (validate)
        {
            CheckRequired(fields, []);
        }

        return [];
    }

    private static long? FieldId(string key)
    {
        var digits = key.StartsWith(KeyPrefix, StringComparison.OrdinalIgnoreCase) ? key[KeyPrefix.Length..] : key;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
    }

    // The entry is [VALUE, LABEL, "h"?]; a bare value (no label) is accepted too.
    private static CustomFieldAnswer ReadAnswer(string fieldId, JsonElement entry, CustomField? field)
    {
        JsonElement value;
        string? label = null;
        var hidden = false;
        if (entry.ValueKind == JsonValueKind.Array)
        {
            var length = entry.GetArrayLength();
            if (length is 0 or > 3)
            {
                throw Invalid($"{fieldId}: must be [\"VALUE\", \"LABEL\"] or [\"VALUE\", \"LABEL\", \"h\"]");
            }

            value = entry[0];
            if (length > 1)
            {
                label = entry[1].ValueKind switch
                {
                    JsonValueKind.String => entry[1].GetString(),
                    JsonValueKind.Null => null,
                    _ => throw Invalid($"{fieldId}: the label must be text"),
                };
            }

            hidden = length == 3 && entry[2].ValueKind == JsonValueKind.String && entry[2].GetString() == "h";
        }
        else
        {
            value = entry;
        }

        if (label is { Length: > MaxLabelLength })
        {
            throw Invalid($"{fieldId}: the label is longer than {MaxLabelLength} characters");
        }

        return new CustomFieldAnswer(
            fieldId,
            ReadValue(fieldId, value),
            string.IsNullOrEmpty(label) ? field?.Label ?? string.Empty : label,
            hidden || field?.Type == CustomFieldType.Hidden);
    }

    // A VALUE is text (numbers and booleans as their text), or a list of texts (address, multi-select).
    private static JsonElement ReadValue(string fieldId, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return FieldValues.Text(string.Empty);
            case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                return FieldValues.Text(Text(fieldId, value));
            case JsonValueKind.Array:
                if (value.GetArrayLength() > MaxListItems)
                {
                    throw Invalid($"{fieldId}: more than {MaxListItems} values");
                }

                var items = new List<string>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    items.Add(item.ValueKind switch
                    {
                        JsonValueKind.Null => string.Empty,
                        JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Text(fieldId, item),
                        _ => throw Invalid($"{fieldId}: a list value holds text only"),
                    });
                }

                return JsonSerializer.SerializeToElement(items);
            default:
                throw Invalid($"{fieldId}: the value must be text or a list of texts");
        }
    }

    private static string Text(string fieldId, JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return text.Length > CustomFieldSchemas.MaxAnswerLength
            ? throw Invalid($"{fieldId}: longer than {CustomFieldSchemas.MaxAnswerLength} characters")
            : text;
    }

    // The field's own rules: its length, and the shape its type asks for.
    private static CustomFieldAnswer Check(CustomFieldAnswer answer, CustomField field)
    {
        var name = $"{answer.FieldId} ({field.Label})";
        var limit = field.Length > 0 ? field.Length : CustomFieldSchemas.MaxAnswerLength;
        var value = answer.Value;
        switch (field.Type)
        {
            case CustomFieldType.Address:
                var parts = value.ValueKind == JsonValueKind.Array ? Strings(value) : [value.GetString()!];
                if (parts.Count > AddressParts)
                {
                    throw Invalid($"{name}: an address is [address, apt, city, state, zip]");
                }

                parts.AddRange(Enumerable.Repeat(string.Empty, AddressParts - parts.Count));
                foreach (var part in parts)
                {
                    CheckLength(name, part, limit);
                }

                return answer with { Value = JsonSerializer.SerializeToElement(parts) };
            case CustomFieldType.Dropdown:
                return answer with { Value = Choose(name, value, field) };
            case CustomFieldType.Title:
                // A heading asks nothing; whatever came with it is kept as given.
                return answer;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"{name}: must be text");
        }

        var text = value.GetString()!;
        CheckLength(name, text, limit);
        var blank = string.IsNullOrWhiteSpace(text);
        switch (field.Type)
        {
            case CustomFieldType.Text when text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal):
                throw Invalid($"{name}: must be one line (use a multi-line field for more)");
            case CustomFieldType.Phone when !blank && !LooksLikePhone(text):
                throw Invalid($"{name}: must be a phone number");
            case CustomFieldType.Email when !blank && !RecordSchema.LooksLikeEmail(text.Trim()):
                throw Invalid($"{name}: must be an e-mail address");
        }

        return answer;
    }

    // A single choice is one of the options; a multi-select takes a list or a pipe-delimited text. Choices
    // match the options case-insensitively and are stored in the options' own spelling.
    private static JsonElement Choose(string name, JsonElement value, CustomField field)
    {
        var options = field.Options;
        List<string> chosen;
        if (value.ValueKind == JsonValueKind.Array)
        {
            if (!field.Multiselect)
            {
                throw Invalid($"{name}: takes one choice");
            }

            chosen = Strings(value);
        }
        else
        {
            var text = value.GetString()!;
            chosen = field.Multiselect ? [.. text.Split('|')] : [text];
        }

        var result = new List<string>(chosen.Count);
        foreach (var choice in chosen.Select(c => c.Trim()).Where(c => c.Length > 0))
        {
            var option = options.FirstOrDefault(o => string.Equals(o, choice, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid($"{name}: '{Shorten(choice)}' is not one of {string.Join(", ", options)}");
            if (!result.Contains(option))
            {
                result.Add(option);
            }
        }

        return value.ValueKind == JsonValueKind.Array
            ? JsonSerializer.SerializeToElement(result)
            : FieldValues.Text(string.Join('|', result));
    }

    private static void CheckRequired(IReadOnlyCollection<CustomField> fields, IReadOnlyCollection<CustomFieldAnswer> answers)
    {
        foreach (var field in fields.OrderBy(f => f.Order).ThenBy(f => f.Id))
        {
            if (!field.Required || !field.Status || !field.OnBookingForm || field.Type == CustomFieldType.Title)
            {
                continue;
            }

            var id = field.Id.ToString(CultureInfo.InvariantCulture);
            var answer = answers.FirstOrDefault(a => a.FieldId == id);
            if (answer is null || Unanswered(answer.Value, field))
            {
                throw Invalid($"{id} ({field.Label}): is required");
            }
        }
    }

    // An address counts as answered when its first line is; anything else when it is not blank.
    private static bool Unanswered(JsonElement value, CustomField field) =>
        field.Type == CustomFieldType.Address && value.ValueKind == JsonValueKind.Array
            ? value.GetArrayLength() == 0 || IsBlank(value[0])
            : IsBlank(value);

    private static void CheckLength(string name, string text, int limit)
    {
        if (text.Length > limit)
        {
            throw Invalid($"{name}: longer than {limit} characters");
        }
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    // Digits with the usual separators, an optional leading + and an optional extension; 5 to 20 digits.
    private static bool LooksLikePhone(string text)
    {
        var match = PhonePattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var digits = match.Groups["number"].Value.Count(char.IsAsciiDigit);
        return digits is >= 5 and <= 20;
    }

    [GeneratedRegex(@"^(?<number>\+?[0-9][0-9 ()./-]*[0-9)])(\s*(x|ext\.?|#)\s*[0-9]{1,6})?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex PhonePattern();

    private static JsonElement ParseText(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Invalid("is not valid JSON");
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static FieldValidationException Invalid(string problem) => new(FieldName, problem);
}
