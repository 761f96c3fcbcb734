using Orleans;

namespace Scheduling.Contracts.Accounts;

/// <summary>The kinds of catalog entities an account lists, in the order its owner set.</summary>
[GenerateSerializer]
[Alias("scheduling.catalog-kind")]
public enum CatalogKind
{
    Location,
    Employee,
    Service,
}

/// <summary>One entry of an updateOrder request: an entity id and its position.</summary>
[GenerateSerializer]
[Alias("scheduling.catalog-order")]
[Immutable]
public sealed record CatalogOrder([Id(0)] long Id, [Id(1)] int Order);
