using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Catalog;
using Scheduling.Contracts.Locations;

namespace Scheduling.Grains.Locations;

/// <summary>What a location grain stores.</summary>
public sealed class LocationState
{
    public long CompanyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public ImmutableDictionary<string, JsonElement> Values { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public CatalogPhoto? Photo { get; set; }

    /// <summary>Who offers what here: employees in the order they were linked, each with services in order.</summary>
    public ImmutableArray<LocationLink> Links { get; set; } = [];
}
