namespace Scheduling.Grains.TimeZones;

/// <summary>
/// A <c>timezone_id</c> that is not in the frozen table. An argument error, so that it reaches the
/// client as invalid input naming the field rather than as an internal error.
/// </summary>
public sealed class UnknownTimeZoneException : ArgumentException
{
    public UnknownTimeZoneException(int timeZoneId)
        : base($"Unknown time zone id {timeZoneId}.", "timezone_id")
    {
        TimeZoneId = timeZoneId;
    }

    public int TimeZoneId { get; }
}
