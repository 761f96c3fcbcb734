using Orleans;

namespace Scheduling.Grains.TimeZones;

/// <summary>
/// A <c>timezone_id</c> that is not in the frozen table. An argument error, so that it reaches the
/// client as invalid input naming the field rather than as an internal error. Calendars throw it to their callers
/// (a slot request's zone), so Orleans carries it with its message and id; not <see cref="ArgumentException.ParamName"/>,
/// which the message names already.
/// </summary>
[GenerateSerializer]
[Alias("scheduling.unknown-time-zone-exception")]
public sealed class UnknownTimeZoneException : ArgumentException
{
    public UnknownTimeZoneException(int timeZoneId)
        : base($"Unknown time zone id {timeZoneId}.", "timezone_id")
    {
        TimeZoneId = timeZoneId;
    }

    [Id(0)]
    public int TimeZoneId { get; }
}
