namespace Scheduling.Contracts.Catalog;

/// <summary>
/// The image uploaded for a location, employee or service: the media row that holds it, the file name
/// the upload answered with, and the URL that serves it.
/// </summary>
[Immutable]
public sealed record CatalogPhoto(long MediaId, string FileName, string Url);
