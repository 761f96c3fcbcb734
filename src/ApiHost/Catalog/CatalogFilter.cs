using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Records;

namespace Scheduling.ApiHost.Catalog;

/// <summary>
/// The list filters of the reference (GET /location?city=..., /employee?job=..., /service?duration=...):
/// a request field named like a schema field keeps the records whose value equals it, read as leniently
/// as the field itself (status=1 and status=true are one filter; text compares ignoring case).
/// An empty filter value filters nothing.
/// </summary>
public sealed class CatalogFilter
{
    // Fields rendered by the server from the request's tenant, not stored values.
    private static readonly HashSet<string> NotFilters = new(StringComparer.OrdinalIgnoreCase) { "id", "company_id" };

    private readonly List<(FieldSpec Field, JsonElement Value)> _conditions;

    private CatalogFilter(List<(FieldSpec Field, JsonElement Value)> conditions) => _conditions = conditions;

    public bool IsEmpty => _conditions.Count == 0;

    public static CatalogFilter Bind(RecordSchema schema, ApiRequest request)
    {
        var conditions = new List<(FieldSpec, JsonElement)>();
        foreach (var field in schema.Fields)
        {
            if (field.Kind == FieldKind.Json || NotFilters.Contains(field.Name) || request.GetElement(field.Name) is not { } raw
                || (raw.ValueKind == JsonValueKind.String && raw.GetString()!.Trim().Length == 0))
            {
                continue;
            }

            conditions.Add((field, RecordSchema.Normalize(field, raw)));
        }

        return new CatalogFilter(conditions);
    }

    /// <summary>Whether a record matches every condition; a field never stored compares by its default.</summary>
    public bool Matches(IReadOnlyDictionary<string, JsonElement> values) =>
        _conditions.All(c => (values.TryGetValue(c.Field.Name, out var stored) ? stored : c.Field.Default) is { } value && Equal(c.Field, value, c.Value));

    private static bool Equal(FieldSpec field, JsonElement stored, JsonElement wanted) => field.Kind switch
    {
        FieldKind.Text or FieldKind.Email => stored.ValueKind == JsonValueKind.String
            && string.Equals(stored.GetString()!.Trim(), wanted.GetString()!.Trim(), StringComparison.OrdinalIgnoreCase),
        FieldKind.Bool => stored.ValueKind is JsonValueKind.True or JsonValueKind.False && stored.GetBoolean() == wanted.GetBoolean(),
        _ => stored.ValueKind == JsonValueKind.Number && stored.GetDecimal() == wanted.GetDecimal(),
    };
}
