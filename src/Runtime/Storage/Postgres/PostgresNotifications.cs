using System.Globalization;

namespace Scheduling.Runtime.Storage.Postgres;

/// <summary>The NOTIFY channels the provider publishes on, and the payload format of grain change notices.</summary>
internal static class PostgresNotifications
{
    public const string GrainChangedChannel = "scheduling_grain_changed";

    public const string OutboxChannel = "scheduling_outbox";

    /// <summary>"origin/type/key/stateName/version": the origin names the silo that committed the change.</summary>
    public static string FormatGrainChange(string origin, GrainStateKey key, long version) =>
        string.Create(CultureInfo.InvariantCulture, $"{origin}/{key.GrainId.Type}/{key.GrainId.Key}/{key.StateName}/{version}");

    /// <summary>
    /// Reads "origin/type/key/stateName/version". A key may itself contain '/', so origin and type are the
    /// first two segments, state name and version the last two, and everything between is the key.
    /// </summary>
    public static bool TryParseGrainChange(string payload, out string origin, out GrainStateKey key, out long version)
    {
        origin = string.Empty;
        key = default;
        version = 0;
        var originSlash = payload.IndexOf('/', StringComparison.Ordinal);
        if (originSlash <= 0)
        {
            return false;
        }

        var typeSlash = payload.IndexOf('/', originSlash + 1);
        var lastSlash = payload.LastIndexOf('/');
        if (typeSlash <= originSlash + 1 || lastSlash <= typeSlash)
        {
            return false;
        }

        var stateSlash = payload.LastIndexOf('/', lastSlash - 1);
        if (stateSlash <= typeSlash || stateSlash == lastSlash - 1)
        {
            return false;
        }

        if (!long.TryParse(payload.AsSpan(lastSlash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            return false;
        }

        origin = payload[..originSlash];
        var type = payload[(originSlash + 1)..typeSlash];
        var grainKey = payload[(typeSlash + 1)..stateSlash];
        var stateName = payload[(stateSlash + 1)..lastSlash];
        key = new GrainStateKey(new GrainId(type, grainKey), stateName);
        return true;
    }
}
