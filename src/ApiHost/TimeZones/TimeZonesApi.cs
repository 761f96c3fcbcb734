using System.Globalization;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.TimeZones;

/// <summary>GET /tz/list and /tz/data, answered from the frozen, embedded time-zone table (SPEC §6).</summary>
public static class TimeZonesApi
{
    public static IEndpointRouteBuilder MapTimeZonesApi(this IEndpointRouteBuilder endpoints)
    {
        var tz = endpoints.MapGroup("/api/v2/tz");
        tz.MapGet("/list", List);
        tz.MapGet("/data", Data);
        return endpoints;
    }

    private static IResult List(ApiRequest request, TimeProvider time)
    {
        var reverse = request.GetBool("reverse_caption") ?? false;
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var entry in TimeZoneTable.Embedded.All)
        {
            var listing = entry.Describe(now, reverse);
            data[entry.Id.ToString(CultureInfo.InvariantCulture)] = new Dictionary<string, object>
            {
                ["gmt"] = listing.Gmt,
                ["caption"] = listing.Caption,
                ["dbName"] = listing.DbName,
                ["short"] = listing.Short,
                ["friendly"] = listing.Friendly,
            };
        }

        return ApiEnvelope.Ok(data);
    }

    private static IResult Data(ApiRequest request, TimeProvider time)
    {
        var id = request.GetInt("id") ?? TimeZoneTable.DefaultId;
        if (!TimeZoneTable.Embedded.TryGet(id, out var entry))
        {
            throw ApiException.InvalidField("id", $"{id} is not a time zone id (see GET /api/v2/tz/list)");
        }

        var at = request.GetLong("time") is { } seconds
            ? ToInstant(seconds)
            : Instant.FromDateTimeOffset(time.GetUtcNow());
        return ApiEnvelope.Ok(new Dictionary<string, object>
        {
            [entry.Name] = new Dictionary<string, int> { ["offset"] = entry.OffsetSecondsAt(at) },
        });
    }

    private static Instant ToInstant(long unixSeconds)
    {
        // NodaTime's range is years -9998..9999; anything outside is not a moment anyone books.
        const long min = -315_537_897_600L;
        const long max = 253_402_300_799L;
        return unixSeconds is < min or > max
            ? throw ApiException.InvalidField("time", "must be a Unix timestamp in seconds between years 1 and 9999")
            : Instant.FromUnixTimeSeconds(unixSeconds);
    }
}
