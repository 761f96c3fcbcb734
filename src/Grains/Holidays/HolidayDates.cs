using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Holidays;

/// <summary>
/// Reads a holiday's <c>start_date</c>/<c>end_date</c> (SPEC §6 forms: "YYYY-MM-DD HH:MM[:SS]", no zero padding
/// needed, or ISO 8601 with an offset) and writes them back. Holidays are whole days: the time of day is
/// checked for sense but not kept.
/// </summary>
public static partial class HolidayDates
{
    public const int MinYear = 1900;
    public const int MaxYear = 9999;

    /// <summary>The date written, or a FieldValidationException naming <paramref name="field"/>.</summary>
    public static LocalDate Parse(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new FieldValidationException(field, "must be a date \"YYYY-MM-DD\" (a time may follow)");
        }

        var year = Number(match, "y");
        var month = Number(match, "m");
        var day = Number(match, "d");
        if (year is < MinYear or > MaxYear || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month))
        {
            throw new FieldValidationException(field, $"'{text.Trim()}' is not a date");
        }

        if (match.Groups["h"].Success && (Number(match, "h") > 23 || Number(match, "min") > 59 || (match.Groups["s"].Success && Number(match, "s") > 59)))
        {
            throw new FieldValidationException(field, $"'{text.Trim()}' has no such time of day");
        }

        return new LocalDate(year, month, day);
    }

    /// <summary>The first moment of a day, as the reference writes it: "2018-12-25 00:00:00".</summary>
    public static string StartOfDay(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00";

    /// <summary>The last second of a day, as the reference writes it: "2018-12-26 23:59:59".</summary>
    public static string EndOfDay(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 23:59:59";

    /// <summary>Unix seconds of a day's 00:00 UTC (the reference's <c>timestamp</c>).</summary>
    public static long UnixSeconds(LocalDate date) => date.AtMidnight().InUtc().ToInstant().ToUnixTimeSeconds();

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})(?:[ T](?<h>\d{1,2}):(?<min>\d{2})(?::(?<s>\d{2})(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
