using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Scheduling.Contracts.Records;

/// <summary>
/// The fields of one kind of record (account, location, employee, ...), declared once: binding reads
/// request fields leniently (SPEC §1) into normalized values, refusing bad ones with the field's name;
/// rendering gives every declared field, with defaults, in declaration order.
/// </summary>
public sealed class RecordSchema
{
    private readonly FrozenDictionary<string, FieldSpec> _byName;

    public RecordSchema(string name, IEnumerable<FieldSpec> fields)
    {
        Name = name;
        Fields = [.. fields];
        _byName = Fields.ToFrozenDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The record kind, for messages ("location").</summary>
    public string Name { get; }

    public ImmutableArray<FieldSpec> Fields { get; }

    public bool TryGetField(string name, out FieldSpec field) => _byName.TryGetValue(name, out field!);

    /// <summary>
    /// Reads the writable fields present in <paramref name="input"/> (unknown fields are ignored). On create,
    /// required fields must be present. Returns only the fields given, normalized.
    /// </summary>
    public ImmutableDictionary<string, JsonElement> Bind(IReadOnlyDictionary<string, JsonElement> input, bool create)
    {
        var values = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var field in Fields)
        {
            if (field.ReadOnly)
            {
                continue;
            }

            if (input.TryGetValue(field.Name, out var raw) && raw.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                var value = Normalize(field, raw);
                if (field.Required && IsBlank(value))
                {
                    throw new FieldValidationException(field.Name, "is required");
                }

                values[field.Name] = value;
            }
            else if (create && field.Required)
            {
                throw new FieldValidationException(field.Name, "is required");
            }
            else if (input.ContainsKey(field.Name) && field.Required && !create)
            {
                throw new FieldValidationException(field.Name, "cannot be null");
            }
        }

        return values.ToImmutable();
    }

    /// <summary>The stored values over the defaults, every declared field present, in declaration order.</summary>
    public IReadOnlyDictionary<string, object?> Render(IReadOnlyDictionary<string, JsonElement> stored, IReadOnlyDictionary<string, object?>? overrides = null)
    {
        var output = new OrderedFields(Fields.Length);
        foreach (var field in Fields)
        {
            if (overrides is not null && overrides.TryGetValue(field.Name, out var value))
            {
                output.Add(field.Name, value);
            }
            else if (stored.TryGetValue(field.Name, out var element))
            {
                output.Add(field.Name, element);
            }
            else
            {
                output.Add(field.Name, field.Default);
            }
        }

        if (overrides is not null)
        {
            foreach (var (name, value) in overrides)
            {
                if (!_byName.ContainsKey(name))
                {
                    output.Add(name, value);
                }
            }
        }

        return output;
    }

    /// <summary>Reads one value leniently into its normalized JSON form, or throws naming the field.</summary>
    public static JsonElement Normalize(FieldSpec field, JsonElement raw)
    {
        switch (field.Kind)
        {
            case FieldKind.Text:
            case FieldKind.Email:
                var text = raw.ValueKind switch
                {
                    JsonValueKind.String => raw.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => raw.GetRawText(),
                    _ => throw new FieldValidationException(field.Name, "must be a string"),
                };
                if (text.Length > field.MaxLength)
                {
                    throw new FieldValidationException(field.Name, $"longer than {field.MaxLength} characters");
                }

                if (field.Kind == FieldKind.Email && text.Length > 0 && !LooksLikeEmail(text))
                {
                    throw new FieldValidationException(field.Name, "must be an e-mail address");
                }

                CheckAllowed(field, text);
                return JsonSerializer.SerializeToElement(field.Kind == FieldKind.Email ? text.Trim() : text);
            case FieldKind.Int:
            case FieldKind.Long:
                var number = ReadInteger(field, raw);
                if (field.Kind == FieldKind.Int && number is < int.MinValue or > int.MaxValue)
                {
                    throw new FieldValidationException(field.Name, "is out of range");
                }

                if ((field.Min is { } min && number < min) || (field.Max is { } max && number > max))
                {
                    throw new FieldValidationException(field.Name, $"must be between {field.Min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"} and {field.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}");
                }

                CheckAllowed(field, number.ToString(CultureInfo.InvariantCulture));
                return JsonSerializer.SerializeToElement(number);
            case FieldKind.Decimal:
                var amount = raw.ValueKind switch
                {
                    JsonValueKind.Number when raw.TryGetDecimal(out var d) => d,
                    JsonValueKind.String when decimal.TryParse(raw.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
                    _ => throw new FieldValidationException(field.Name, "must be a number"),
                };
                if (field.Min is { } minAmount && amount < minAmount)
                {
                    throw new FieldValidationException(field.Name, $"must be at least {minAmount}");
                }

                return JsonSerializer.SerializeToElement(amount);
            case FieldKind.Bool:
                return JsonSerializer.SerializeToElement(ReadBool(field, raw));
            case FieldKind.Flag:
                return JsonSerializer.SerializeToElement(ReadBool(field, raw) ? 1 : 0);
            case FieldKind.Json:
                return raw.ValueKind is JsonValueKind.Object or JsonValueKind.Array
                    ? raw.Clone()
                    : raw.ValueKind == JsonValueKind.String && TryParseJson(raw.GetString()!, out var parsed)
                        ? parsed
                        : throw new FieldValidationException(field.Name, "must be a JSON object or array");
            default:
                throw new InvalidOperationException($"Unknown field kind {field.Kind}.");
        }
    }

    public static bool LooksLikeEmail(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == text.LastIndexOf('@') && at < text.Length - 3 && text.IndexOf('.', at) > at + 1
            && !text.Any(char.IsWhiteSpace) && !text.EndsWith('.');
    }

    private static long ReadInteger(FieldSpec field, JsonElement raw)
    {
        if (raw.ValueKind == JsonValueKind.Number && raw.TryGetInt64(out var number))
        {
            return number;
        }

        if (raw.ValueKind == JsonValueKind.String && long.TryParse(raw.GetString()!.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        if (raw.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return raw.ValueKind == JsonValueKind.True ? 1 : 0;
        }

        throw new FieldValidationException(field.Name, "must be an integer");
    }

    private static bool ReadBool(FieldSpec field, JsonElement raw) => raw.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when raw.TryGetInt64(out var n) && n is 0 or 1 => n == 1,
        JsonValueKind.String => raw.GetString()!.Trim().ToLowerInvariant() switch
        {
            "1" or "true" => true,
            "0" or "false" => false,
            _ => throw new FieldValidationException(field.Name, "must be 0 or 1 (or true/false)"),
        },
        _ => throw new FieldValidationException(field.Name, "must be 0 or 1 (or true/false)"),
    };

    private static void CheckAllowed(FieldSpec field, string value)
    {
        if (!field.AllowedValues.IsDefaultOrEmpty && !field.AllowedValues.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            throw new FieldValidationException(field.Name, $"must be one of {string.Join(", ", field.AllowedValues)}");
        }
    }

    private static bool IsBlank(JsonElement value) => value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString());

    private static bool TryParseJson(string text, out JsonElement element)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            element = document.RootElement.Clone();
            return element.ValueKind is JsonValueKind.Object or JsonValueKind.Array;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }

    /// <summary>Keeps fields in declaration order when serialized (Dictionary keeps insertion order as long as nothing is removed).</summary>
    private sealed class OrderedFields(int capacity) : Dictionary<string, object?>(capacity, StringComparer.Ordinal);
}
