using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Errors;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.Appointments;

/// <summary>
/// Reads appointment times (SPEC §6): "YYYY-MM-DD HH:MM" (seconds optional, no zero padding needed) local to a
/// zone, or ISO 8601 with an offset; list bounds may also be a bare date (its local midnight).
/// </summary>
public static partial class AppointmentTimes
{
    /// <summary>
    /// A start time. A local time skipped by a spring-forward transition does not exist (422 / 9, as the slot is
    /// never offered); one that occurs twice means its first occurrence.
    /// </summary>
    public static DateTimeOffset ParseStart(string text, string field, TimeZoneEntry zone)
    {
        var (local, offset) = Parse(text, field, requireTime: true);
        if (offset is { } given)
        {
            return local.WithOffset(given).ToDateTimeOffset().ToUniversalTime();
        }

        return zone.TryToInstant(local, out var instant)
            ? instant.ToDateTimeOffset()
            : throw new SlotNotAvailableException($"{field}: {text.Trim()} does not exist in {zone.Name} (the clocks move forward then)");
    }

    /// <summary>
    /// A list bound: a date means its local midnight (for an upper bound given as a date, the next midnight, so the
    /// whole day is included); a time in the skipped hour of a spring-forward day means the instant after the gap.
    /// </summary>
    public static DateTimeOffset ParseBound(string text, string field, TimeZoneEntry zone, bool upper)
    {
        var (local, offset) = Parse(text, field, requireTime: false, out var hasTime);
        if (offset is { } given)
        {
            return local.WithOffset(given).ToDateTimeOffset().ToUniversalTime();
        }

        if (!hasTime)
        {
            return zone.Zone.AtStartOfDay(upper ? local.Date.PlusDays(1) : local.Date).ToDateTimeOffset().ToUniversalTime();
        }

        return zone.Zone.AtLeniently(local).ToDateTimeOffset().ToUniversalTime();
    }

    private static (LocalDateTime Local, Offset? Offset) Parse(string text, string field, bool requireTime) =>
        Parse(text, field, requireTime, out _);

    private static (LocalDateTime Local, Offset? Offset) Parse(string text, string field, bool requireTime, out bool hasTime)
    {
        var match = Pattern().Match(text.Trim());
        hasTime = match.Success && match.Groups["h"].Success;
        if (!match.Success || (requireTime && !hasTime))
        {
            throw ApiException.InvalidField(field, requireTime
                ? "must be \"YYYY-MM-DD HH:MM\" (local time) or ISO 8601 with an offset"
                : "must be a date \"YYYY-MM-DD\", \"YYYY-MM-DD HH:MM\" or ISO 8601 with an offset");
        }

        int Number(string group) => match.Groups[group].Success ? int.Parse(match.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        var (year, month, day, hour, minute, second) = (Number("y"), Number("m"), Number("d"), Number("h"), Number("min"), Number("s"));
        if (year is < 1900 or > 9999 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month))
        {
            throw ApiException.InvalidField(field, $"'{text.Trim()}' is not a date");
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            throw ApiException.InvalidField(field, $"'{text.Trim()}' has no such time of day");
        }

        Offset? offset = null;
        if (match.Groups["z"].Success)
        {
            offset = Offset.Zero;
        }
        else if (match.Groups["oh"].Success)
        {
            var minutes = (Number("oh") * 60) + Number("om");
            if (minutes > 18 * 60)
            {
                throw ApiException.InvalidField(field, $"'{text.Trim()}' has no such offset");
            }

            offset = Offset.FromSeconds((match.Groups["sign"].Value == "-" ? -minutes : minutes) * 60);
        }

        return (new LocalDateTime(year, month, day, hour, minute, second), offset);
    }

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})(?:[ T](?<h>\d{1,2}):(?<min>\d{2})(?::(?<s>\d{2})(?:\.\d{1,9})?)?(?:(?<z>Z)|(?<sign>[+-])(?<oh>\d{2}):?(?<om>\d{2}))?)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
