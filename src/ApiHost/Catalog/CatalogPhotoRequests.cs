using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Media;
using Scheduling.Contracts.Catalog;
using Scheduling.Grains.Media;

namespace Scheduling.ApiHost.Catalog;

/// <summary>
/// uploadPhoto / removePhoto of locations, employees and services: one flow over the one media upload
/// path. The entity is checked first, so nothing is stored for an id the caller does not own; a
/// replaced or removed upload is deleted from the media store.
/// </summary>
public static class CatalogPhotoRequests
{
    public static async Task<IResult> UploadAsync(HttpContext context, ApiCall call, Func<CatalogPhoto, Task<CatalogPhoto?>> setPhoto)
    {
        var item = await MediaApi.SaveUploadAsync(context, call.CompanyId);
        var replaced = await setPhoto(new CatalogPhoto(item.Id, item.FileName, MediaApi.Url(item)));
        await DeleteUploadAsync(context, call, replaced);
        return ApiEnvelope.Ok(MediaApi.UploadResult(item));
    }

    public static async Task<IResult> RemoveAsync(HttpContext context, ApiCall call, Func<string, Task<CatalogPhoto>> removePhoto)
    {
        var fileName = call.Request.RequireString("file_name", 1_000);
        await DeleteUploadAsync(context, call, await removePhoto(fileName));
        return ApiEnvelope.Ok(null);
    }

    /// <summary>After a PUT that set the photo field to another URL: the upload it replaced is deleted.</summary>
    public static Task DeleteReplacedUploadAsync(HttpContext context, ApiCall call, CatalogPhoto? before, CatalogPhoto? after) =>
        before is not null && before != after ? DeleteUploadAsync(context, call, before) : Task.CompletedTask;

    /// <summary>Deletes an entity's upload when the entity goes (or the photo is replaced or removed).</summary>
    public static async Task DeleteUploadAsync(HttpContext context, ApiCall call, CatalogPhoto? photo)
    {
        if (photo is { MediaId: > 0 })
        {
            await context.RequestServices.GetRequiredService<IMediaStore>().DeleteAsync(call.CompanyId, photo.MediaId, context.RequestAborted);
        }
    }
}
