using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;

namespace Scheduling.ApiHost.Catalog;

/// <summary>Ids in paths and the account's ordered catalog of locations, employees and services, as the three areas read them.</summary>
public static class AccountCatalog
{
    /// <summary>An id from the path: a positive integer, else 400 naming the field.</summary>
    public static long ParseId(string text, string field = "id") =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw ApiException.InvalidField(field, "must be a positive integer id");

    /// <summary>
    /// Every entity of a kind in the account's order, each with its position (ord). Entities are read in
    /// parallel; one deleted between the catalog read and its own read is skipped.
    /// </summary>
    public static async Task<IReadOnlyList<(T Item, int Ord)>> LoadAsync<T>(ApiCall call, CatalogKind kind, Func<long, Task<T?>> get)
        where T : class
    {
        var ids = await call.Account.GetCatalogAsync(kind);
        var items = await Task.WhenAll(ids.Select(get));
        return [.. items.Select((item, ord) => (item, ord)).Where(p => p.item is not null).Select(p => (p.item!, p.ord))];
    }

    /// <summary>The position of an entity in the account's order (its ord), or 0 when it is not listed.</summary>
    public static async Task<int> OrdAsync(ApiCall call, CatalogKind kind, long id) =>
        Math.Max(0, (await call.Account.GetCatalogAsync(kind)).IndexOf(id));

    /// <summary>POST /{kind}/updateOrder: a body [{"id": ID, "ord": N}, ...]; ids not in this account are 404.</summary>
    public static async Task<IResult> ReorderAsync(ApiCall call, CatalogKind kind, string entity)
    {
        var items = call.Request.Items ?? throw ApiException.InvalidField("body", "must be an array of {\"id\": ID, \"ord\": N}");
        var orders = ImmutableArray.CreateBuilder<CatalogOrder>();
        foreach (var item in items.EnumerateArray())
        {
            var path = $"body[{orders.Count}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.InvalidField(path, "must be {\"id\": ID, \"ord\": N}");
            }

            orders.Add(new CatalogOrder(
                RecordSchema.Normalize(new FieldSpec($"{path}.id", FieldKind.Long) { Min = 1 }, Member(item, "id", path)).GetInt64(),
                RecordSchema.Normalize(new FieldSpec($"{path}.ord", FieldKind.Int) { Min = 0 }, Member(item, "ord", path)).GetInt32()));
        }

        var catalog = await call.Account.GetCatalogAsync(kind);
        if (orders.FirstOrDefault(o => !catalog.Contains(o.Id)) is { } unknown)
        {
            throw new NotFoundException($"{entity} {unknown.Id} not found");
        }

        await call.Account.ReorderCatalogAsync(kind, orders.ToImmutable());
        return ApiEnvelope.Ok(null);
    }

    private static JsonElement Member(JsonElement item, string name, string path) =>
        item.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw ApiException.InvalidField($"{path}.{name}", "is required");
}
