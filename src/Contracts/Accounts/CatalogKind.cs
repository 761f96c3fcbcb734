namespace Scheduling.Contracts.Accounts;

/// <summary>The kinds of catalog entities an account lists, in the order its owner set.</summary>
public enum CatalogKind
{
    Location,
    Employee,
    Service,
}

/// <summary>One entry of an updateOrder request: an entity id and its position.</summary>
[Immutable]
public sealed record CatalogOrder(long Id, int Order);
