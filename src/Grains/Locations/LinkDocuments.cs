using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Catalog;

namespace Scheduling.Grains.Locations;

/// <summary>The account's entities of one kind, in catalog order: one level of a links document.</summary>
public sealed record LinkLevel(string Kind, ImmutableArray<long> Ids);

/// <summary>
/// The links documents of the reference, in every form it documents. A document has two levels, outer
/// ids to inner ids: a location's <c>links</c> and assignServices name employees then services; an
/// employee's name locations then services; a service's name employees then locations. At either level
/// "all" (or the key 0) means every entity of that kind:
/// <list type="bullet">
/// <item><c>"all"</c>: every outer entity with every inner one;</item>
/// <item><c>{"OUTER": "all"}</c>: that outer entity with every inner one;</item>
/// <item><c>{"all": {"INNER": 1, ...}}</c> (or key 0): every outer entity with the inner ones flagged 1;</item>
/// <item><c>{"OUTER": {"INNER": 1, "INNER2": 0}}</c>: exactly the inner ones flagged 1;</item>
/// <item><c>{"OUTER": ["INNER", ...]}</c>: the assignServices form.</item>
/// </list>
/// Each outer entity named gets exactly the inner set given (an empty set unlinks it); a specific key
/// overrides the "all" key for its entity; outer entities not named keep their links.
/// </summary>
public static class LinkDocuments
{
    private const string AllKey = "all";

    public static ImmutableArray<(long Outer, ImmutableArray<long> Inner)> Parse(JsonElement document, string field, LinkLevel outer, LinkLevel inner)
    {
        if (IsAll(document))
        {
            return [.. outer.Ids.Select(id => (id, inner.Ids))];
        }

        document = DocumentFields.Parsed(document, field);
        if (document.ValueKind != JsonValueKind.Object)
        {
            throw new FieldValidationException(field, $"must be \"all\" or an object keyed by {outer.Kind} id");
        }

        ImmutableArray<long>? forAll = null;
        var specific = new Dictionary<long, ImmutableArray<long>>();
        var named = new List<long>();
        foreach (var property in document.EnumerateObject())
        {
            var path = $"{field}.{property.Name}";
            var key = property.Name.Trim();
            if (string.Equals(key, AllKey, StringComparison.OrdinalIgnoreCase) || key == "0")
            {
                forAll = InnerSet(property.Value, path, inner);
            }
            else if (DocumentFields.TryId(key, out var id) && outer.Ids.Contains(id))
            {
                if (!specific.ContainsKey(id))
                {
                    named.Add(id);
                }

                specific[id] = InnerSet(property.Value, path, inner);
            }
            else
            {
                throw new FieldValidationException(path, $"no {outer.Kind} {key} in this account");
            }
        }

        if (forAll is not { } every)
        {
            return [.. named.Select(id => (id, specific[id]))];
        }

        return [.. outer.Ids.Select(id => (id, specific.TryGetValue(id, out var own) ? own : every))];
    }

    private static ImmutableArray<long> InnerSet(JsonElement value, string path, LinkLevel inner)
    {
        if (IsAll(value))
        {
            return inner.Ids;
        }

        value = DocumentFields.Parsed(value, path);
        var ids = new List<long>();
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    var id = InnerId(property.Name, $"{path}.{property.Name}", inner);
                    if (DocumentFields.Flag(property.Value, $"{path}.{property.Name}") && !ids.Contains(id))
                    {
                        ids.Add(id);
                    }
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var element in value.EnumerateArray())
                {
                    var elementPath = $"{path}[{index++}]";
                    var text = element.ValueKind is JsonValueKind.Number or JsonValueKind.String ? DocumentFields.Text(element, elementPath) : string.Empty;
                    var id = InnerId(text, elementPath, inner);
                    if (!ids.Contains(id))
                    {
                        ids.Add(id);
                    }
                }

                break;
            default:
                throw new FieldValidationException(path, $"must be \"all\", an object {{{inner.Kind} id: 1 or 0}} or a list of {inner.Kind} ids");
        }

        return [.. ids];
    }

    private static long InnerId(string text, string path, LinkLevel inner) =>
        DocumentFields.TryId(text, out var id) && inner.Ids.Contains(id)
            ? id
            : throw new FieldValidationException(path, $"no {inner.Kind} {text} in this account");

    private static bool IsAll(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && string.Equals(value.GetString()!.Trim(), AllKey, StringComparison.OrdinalIgnoreCase);
}
