using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Grains.CustomFields;

namespace Scheduling.ApiHost.CustomFields;

/// <summary>Custom fields, the booking form (reference "Custom Fields", SPEC §4-5).</summary>
public static class CustomFieldsApi
{
    // The list filters the reference names; each compares with the field's value (defaults included).
    private static readonly string[] Filters =
        ["id", "label", "length", "type", "required", "status", "visibility", "readonly", "removable", "readonly_type", "hint"];

    private static RecordSchema Schema => CustomFieldSchemas.Field;

    public static IEndpointRouteBuilder MapCustomFieldsApi(this IEndpointRouteBuilder endpoints)
    {
        var fields = endpoints.MapGroup("/api/v2/customfield");
        fields.MapGet("/", ListAsync);
        fields.MapGet("/{id}", GetAsync);
        fields.MapPost("/", CreateAsync);
        fields.MapPost("/bulksave", BulkSaveAsync);
        fields.MapPut("/{id}", UpdateAsync);
        fields.MapDelete("/{id}", DeleteAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(ApiCall call)
    {
        var page = call.Request.GetPage();
        var filters = ReadFilters(call.Request);
        var fields = await FieldsOf(call).ListAsync();
        return ApiEnvelope.Ok(page.Apply(fields.Where(f => filters.All(filter => Matches(f, filter)))).Select(View).ToList());
    }

    // The reference answers a single field as a one-item list, like the list it is a filter of.
    private static async Task<IResult> GetAsync(string id, ApiCall call)
    {
        var fieldId = ApiRequest.PathId(id);
        var field = await FieldsOf(call).GetAsync(fieldId) ?? throw new NotFoundException($"custom field {fieldId} not found");
        return ApiEnvelope.Ok(new[] { View(field) });
    }

    private static async Task<IResult> CreateAsync(ApiCall call) =>
        ApiEnvelope.Ok(View(await FieldsOf(call).CreateAsync(Schema.Bind(call.Request.Fields, create: true))));

    private static async Task<IResult> UpdateAsync(string id, ApiCall call)
    {
        var fieldId = ApiRequest.PathId(id);
        return ApiEnvelope.Ok(View(await FieldsOf(call).UpdateAsync(fieldId, Schema.Bind(call.Request.Fields, create: false))));
    }

    private static async Task<IResult> DeleteAsync(string id, ApiCall call)
    {
        await FieldsOf(call).DeleteAsync(ApiRequest.PathId(id));
        return ApiEnvelope.Ok(new Dictionary<string, object?>());
    }

    /// <summary>
    /// An array of fields: those with an <c>id</c> are modified, the others created, all or nothing. Errors
    /// name the item: <c>[2].label: is required</c>.
    /// </summary>
    private static async Task<IResult> BulkSaveAsync(ApiCall call)
    {
        if (call.Request.Items is not { ValueKind: JsonValueKind.Array } items)
        {
            throw ApiException.InvalidField("body", "must be an array of custom fields");
        }

        var count = items.GetArrayLength();
        if (count is 0 or > CustomFieldsGrain.MaxFields)
        {
            throw ApiException.InvalidField("body", $"must hold 1 to {CustomFieldsGrain.MaxFields} custom fields");
        }

        var changes = ImmutableArray.CreateBuilder<CustomFieldChange>(count);
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.InvalidField($"[{index}]", "must be an object");
            }

            var input = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in item.EnumerateObject())
            {
                input[property.Name] = property.Value;
            }

            try
            {
                var id = ItemId(input);
                changes.Add(new CustomFieldChange(id, Schema.Bind(input, create: id is null)));
            }
            catch (FieldValidationException invalid)
            {
                throw new FieldValidationException($"[{index}].{invalid.Field}", invalid.Problem);
            }

            index++;
        }

        var saved = await FieldsOf(call).SaveManyAsync(changes.MoveToImmutable());
        return ApiEnvelope.Ok(saved.Select(View).ToList());
    }

    private static ICustomFieldsGrain FieldsOf(ApiCall call) => call.Grains.GetGrain<ICustomFieldsGrain>(call.CompanyId);

    private static IReadOnlyDictionary<string, object?> View(CustomField field) =>
        Schema.Render(field.Values, new Dictionary<string, object?>
        {
            ["id"] = field.Id,
            ["company_id"] = field.CompanyId,
        });

    // An item's id, read like any id (0 = not given, so the item is new).
    private static long? ItemId(Dictionary<string, JsonElement> input)
    {
        if (!input.TryGetValue("id", out var raw) || raw.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
            || (raw.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(raw.GetString())))
        {
            return null;
        }

        Schema.TryGetField("id", out var spec);
        var id = RecordSchema.Normalize(spec, raw).GetInt64();
        return id switch
        {
            0 => null,
            < 0 => throw new FieldValidationException("id", "must be a positive id"),
            _ => id,
        };
    }

    // Filters given with an empty value are not filters (clients send every parameter of the reference's sample).
    private static List<(FieldSpec Field, JsonElement Value)> ReadFilters(ApiRequest request)
    {
        var filters = new List<(FieldSpec, JsonElement)>();
        foreach (var name in Filters)
        {
            if (request.GetElement(name) is { } raw && !(raw.ValueKind == JsonValueKind.String && raw.GetString()!.Length == 0))
            {
                Schema.TryGetField(name, out var spec);
                filters.Add((spec, RecordSchema.Normalize(spec, raw)));
            }
        }

        return filters;
    }

    private static bool Matches(CustomField field, (FieldSpec Field, JsonElement Value) filter)
    {
        if (filter.Field.Name == "id")
        {
            return field.Id == filter.Value.GetInt64();
        }

        var stored = field.Values.TryGetValue(filter.Field.Name, out var value) ? value : filter.Field.Default;
        if (stored is not { } actual)
        {
            return false;
        }

        return actual.ValueKind == JsonValueKind.String && filter.Value.ValueKind == JsonValueKind.String
            ? string.Equals(actual.GetString(), filter.Value.GetString(), StringComparison.OrdinalIgnoreCase)
            : actual.GetRawText() == filter.Value.GetRawText();
    }
}
