using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Catalog;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Catalog;

/// <summary>
/// How a location, employee or service keeps its photo: the uploaded image's URL in its photo field
/// (photo / photo_url), and the upload itself beside it so the media can be deleted when replaced.
/// </summary>
public static class CatalogPhotos
{
    public static ImmutableDictionary<string, JsonElement> Show(ImmutableDictionary<string, JsonElement> values, string field, CatalogPhoto photo) =>
        values.SetItem(field, FieldValues.Text(photo.Url));

    /// <summary>An uploaded photo stays the entity's only while its field still shows the upload's URL (a PUT may set another URL).</summary>
    public static CatalogPhoto? Kept(CatalogPhoto? photo, ImmutableDictionary<string, JsonElement> values, string field) =>
        photo is not null && values.GetText(field) == photo.Url ? photo : null;

    /// <summary>
    /// Removes the photo that <paramref name="fileName"/> names (the upload's file name or URL, or the URL
    /// in the field when it was set by hand); null when the name is not the entity's photo.
    /// </summary>
    public static (ImmutableDictionary<string, JsonElement> Values, CatalogPhoto Removed)? Remove(
        ImmutableDictionary<string, JsonElement> values, CatalogPhoto? photo, string field, string fileName)
    {
        var name = fileName.Trim();
        if (photo is not null && (Same(name, photo.FileName) || Same(name, photo.Url)))
        {
            return (values.SetItem(field, FieldValues.Text(string.Empty)), photo);
        }

        if (values.GetText(field) is { Length: > 0 } url && Same(name, url))
        {
            return (values.SetItem(field, FieldValues.Text(string.Empty)), new CatalogPhoto(0, name, url));
        }

        return null;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
