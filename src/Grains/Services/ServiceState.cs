using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Catalog;

namespace Scheduling.Grains.Services;

/// <summary>What a service grain stores: the normalized schema values (schedule and sub-services included) and the photo.</summary>
public sealed class ServiceState
{
    public long CompanyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public ImmutableDictionary<string, JsonElement> Values { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public CatalogPhoto? Photo { get; set; }
}
