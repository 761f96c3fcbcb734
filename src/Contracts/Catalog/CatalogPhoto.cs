using Orleans;

namespace Scheduling.Contracts.Catalog;

/// <summary>
/// The image uploaded for a location, employee or service: the media row that holds it, the file name
/// the upload answered with, and the URL that serves it.
/// </summary>
[GenerateSerializer]
[Alias("scheduling.catalog-photo")]
[Immutable]
public sealed record CatalogPhoto([Id(0)] long MediaId, [Id(1)] string FileName, [Id(2)] string Url);
