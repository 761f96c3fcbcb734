using System.Globalization;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Errors;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.Appointments;

/// <summary>
/// Reads appointment times (SPEC §6): "YYYY-MM-DD HH:MM" (seconds optional, no zero padding needed) local to a
/// zone, or ISO 8601 with an offset; list bounds may also be a bare date (its local midnight).
/// </summary>
public static class AppointmentTimes
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
        var trimmed = text.AsSpan().Trim();
        if (!TryRead(trimmed, out var t) || (requireTime && !t.HasTime))
        {
            throw ApiException.InvalidField(field, requireTime
                ? "must be \"YYYY-MM-DD HH:MM\" (local time) or ISO 8601 with an offset"
                : "must be a date \"YYYY-MM-DD\", \"YYYY-MM-DD HH:MM\" or ISO 8601 with an offset");
        }

        hasTime = t.HasTime;
        if (t.Year is < 1900 or > 9999 || t.Month is < 1 or > 12 || t.Day < 1 || t.Day > CalendarSystem.Iso.GetDaysInMonth(t.Year, t.Month))
        {
            throw ApiException.InvalidField(field, $"'{trimmed}' is not a date");
        }

        if (t.Hour > 23 || t.Minute > 59 || t.Second > 59)
        {
            throw ApiException.InvalidField(field, $"'{trimmed}' has no such time of day");
        }

        // ±14:00 is as far as any zone goes, and as far as a DateTimeOffset can hold.
        if (t.OffsetMinutes is { } minutes && Math.Abs(minutes) > 14 * 60)
        {
            throw ApiException.InvalidField(field, $"'{trimmed}' has no such offset");
        }

        return (new LocalDateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second), t.OffsetMinutes is { } offset ? Offset.FromSeconds(offset * 60) : null);
    }

    /// <summary>The parts of a time as written (not yet range-checked).</summary>
    private record struct WrittenTime(int Year, int Month, int Day, bool HasTime, int Hour, int Minute, int Second, int? OffsetMinutes);

    /// <summary>
    /// Reads <c>YYYY-M(M)-D(D)</c>, optionally followed by <c>[ T]H(H):MM[:SS[.fraction]]</c> and then <c>Z</c> or an
    /// offset <c>±HH[:]MM</c>; ASCII digits only, letters in either case.
    /// </summary>
    private static bool TryRead(ReadOnlySpan<char> text, out WrittenTime time)
    {
        time = default;
        var at = 0;
        if (!Digits(text, ref at, 4, 4, out var year) || !Char(text, ref at, '-')
            || !Digits(text, ref at, 1, 2, out var month) || !Char(text, ref at, '-')
            || !Digits(text, ref at, 1, 2, out var day))
        {
            return false;
        }

        time = new WrittenTime(year, month, day, false, 0, 0, 0, null);
        if (at == text.Length)
        {
            return true;
        }

        if (!(Char(text, ref at, ' ') || Char(text, ref at, 'T'))
            || !Digits(text, ref at, 1, 2, out var hour) || !Char(text, ref at, ':') || !Digits(text, ref at, 2, 2, out var minute))
        {
            return false;
        }

        var second = 0;
        if (Char(text, ref at, ':'))
        {
            if (!Digits(text, ref at, 2, 2, out second))
            {
                return false;
            }

            if (Char(text, ref at, '.') && !Digits(text, ref at, 1, 9, out _))
            {
                return false;
            }
        }

        int? offset = null;
        if (Char(text, ref at, 'Z'))
        {
            offset = 0;
        }
        else if (at < text.Length && text[at] is '+' or '-')
        {
            var sign = text[at++] == '-' ? -1 : 1;
            if (!Digits(text, ref at, 2, 2, out var offsetHours))
            {
                return false;
            }

            Char(text, ref at, ':');
            if (!Digits(text, ref at, 2, 2, out var offsetMinutes))
            {
                return false;
            }

            offset = sign * ((offsetHours * 60) + offsetMinutes);
        }

        time = time with { HasTime = true, Hour = hour, Minute = minute, Second = second, OffsetMinutes = offset };
        return at == text.Length;
    }

    // Between min and max ASCII digits at the position, as a number; a digit beyond max is left for the next part.
    private static bool Digits(ReadOnlySpan<char> text, ref int at, int min, int max, out int value)
    {
        value = 0;
        var count = 0;
        while (at < text.Length && char.IsAsciiDigit(text[at]) && count < max)
        {
            value = (value * 10) + (text[at++] - '0');
            count++;
        }

        return count >= min;
    }

    // The character (either case) at the position, consumed when there.
    private static bool Char(ReadOnlySpan<char> text, ref int at, char expected)
    {
        if (at < text.Length && char.ToUpperInvariant(text[at]) == expected)
        {
            at++;
            return true;
        }

        return false;
    }
}
