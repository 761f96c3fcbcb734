using Scheduling.ApiHost.Api;
using Scheduling.Grains.Media;

namespace Scheduling.ApiHost.Media;

/// <summary>
/// Image uploads (logos, photos, client pictures) and the public URL that serves them back. One upload
/// path for every area: multipart form, one file, at most <see cref="MaxImageBytes"/>, and a PNG, JPEG,
/// GIF or WebP by its content (the client's Content-Type is not trusted).
/// </summary>
public static class MediaApi
{
    public const int MaxImageBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/media/{id:long}/{fileName}", ServeAsync);
        return endpoints;
    }

    /// <summary>Reads the uploaded image of the request and stores it for the company.</summary>
    public static async Task<MediaItem> SaveUploadAsync(HttpContext context, long companyId)
    {
        if (!context.Request.HasFormContentType)
        {
            throw ApiException.InvalidField("file", "upload the image as multipart/form-data");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var file = form.Files.Count == 1 ? form.Files[0] : form.Files.GetFile("file")
            ?? throw ApiException.InvalidField("file", form.Files.Count == 0 ? "no file uploaded" : "upload one file");
        if (file.Length == 0 || file.Length > MaxImageBytes)
        {
            throw ApiException.InvalidField("file", $"must be 1 byte to {MaxImageBytes / 1024} KiB");
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, context.RequestAborted);
        var content = buffer.ToArray();
        var contentType = ImageType(content) ?? throw ApiException.InvalidField("file", "must be a PNG, JPEG, GIF or WebP image");
        var store = context.RequestServices.GetRequiredService<IMediaStore>();
        return await store.SaveAsync(companyId, contentType, SafeFileName(file.FileName, contentType), content, context.RequestAborted);
    }

    /// <summary>The public URL of a stored image.</summary>
    public static string Url(MediaItem item) => $"/media/{item.Id}/{Uri.EscapeDataString(item.FileName)}";

    /// <summary>The upload response of the reference: upload_id, file_name, file_location.</summary>
    public static object UploadResult(MediaItem item) => new Dictionary<string, object?>
    {
        ["upload_id"] = item.Id,
        ["file_name"] = item.FileName,
        ["file_location"] = Url(item),
    };

    private static async Task<IResult> ServeAsync(long id, IMediaStore store, HttpContext context)
    {
        var item = await store.GetAsync(id, context.RequestAborted);
        if (item is null)
        {
            return ApiEnvelope.Error(ApiStatus.NotFound, $"no image {id}");
        }

        context.Response.Headers.CacheControl = "public, max-age=86400, immutable";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return Results.Bytes(item.Content, item.ContentType);
    }

    private static string? ImageType(ReadOnlySpan<byte> content) => content switch
    {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x47, 0x49, 0x46, 0x38, ..] => "image/gif",
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
        _ => null,
    };

    private static string SafeFileName(string? name, string contentType)
    {
        var stem = Path.GetFileNameWithoutExtension(name ?? string.Empty);
        var safe = new string([.. stem.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').Take(64)]);
        var extension = contentType switch
        {
            "image/png" => ".png",
            "image/jpeg" => ".jpg",
            "image/gif" => ".gif",
            _ => ".webp",
        };
        return (safe.Length == 0 ? "image" : safe) + extension;
    }
}
