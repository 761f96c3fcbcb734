using NodaTime;

namespace Scheduling.Grains.TimeZones;

/// <summary>
/// The one place that turns wall-clock times into instants, so availability and booking agree on
/// the SPEC §6 DST rules.
/// </summary>
public static class LocalTimeRules
{
    /// <summary>
    /// Maps a local date-time in <paramref name="zone"/> to an instant. A time skipped by a
    /// spring-forward transition does not exist, so there is no instant and the slot is not offered
    /// (false). A time that occurs twice at a fall-back transition resolves to its first occurrence.
    /// </summary>
    public static bool TryToInstant(this DateTimeZone zone, LocalDateTime local, out Instant instant)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var mapping = zone.MapLocal(local);
        if (mapping.Count == 0)
        {
            instant = default;
            return false;
        }

        instant = mapping.First().ToInstant();
        return true;
    }

    public static LocalDateTime ToLocal(this DateTimeZone zone, Instant instant)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return instant.InZone(zone).LocalDateTime;
    }
}
