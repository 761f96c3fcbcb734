using NodaTime;
using Scheduling.Contracts.Holidays;

namespace Scheduling.Grains.Holidays;

/// <summary>
/// The date rule of one holiday, reduced to what the availability engine asks on every candidate day:
/// does it cover this local date? A value type with no allocations on that path; build it once per holiday
/// (<see cref="From(Holiday)"/>) and ask it many times.
/// </summary>
public readonly record struct HolidayRule
{
    /// <summary><see cref="Holiday.DayOrder"/> value meaning "the last such weekday of the month".</summary>
    public const int Last = 4;

    private static readonly string[] MonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] OrderNames = ["First", "Second", "Third", "Fourth", "Last"];

    private HolidayRule(HolidayType type, int month, IsoDayOfWeek weekday, int order, LocalDate first, LocalDate last)
    {
        Type = type;
        Month = month;
        Weekday = weekday;
        Order = order;
        First = first;
        LastDate = last;
    }

    public HolidayType Type { get; }

    /// <summary>Month of a yearly rule, 1 January..12 December (the API's <c>month</c> + 1).</summary>
    public int Month { get; }

    public IsoDayOfWeek Weekday { get; }

    /// <summary>0 first..3 fourth, 4 last.</summary>
    public int Order { get; }

    /// <summary>First day of a fixed-dates rule.</summary>
    public LocalDate First { get; }

    /// <summary>Last day (inclusive) of a fixed-dates rule.</summary>
    public LocalDate LastDate { get; }

    /// <summary>The <paramref name="dayOrder"/>-th <paramref name="dayInWeek"/> of <paramref name="month"/>, every year, in the API's numbering (0-based months, 0 = Monday).</summary>
    public static HolidayRule Yearly(int month, int dayInWeek, int dayOrder)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(month);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 11);
        ArgumentOutOfRangeException.ThrowIfNegative(dayInWeek);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dayInWeek, 6);
        ArgumentOutOfRangeException.ThrowIfNegative(dayOrder);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dayOrder, Last);
        return new HolidayRule(HolidayType.VariableDate, month + 1, (IsoDayOfWeek)(dayInWeek + 1), dayOrder, default, default);
    }

    /// <summary>The days <paramref name="first"/>..<paramref name="last"/>, both included.</summary>
    public static HolidayRule Dates(LocalDate first, LocalDate last)
    {
        if (last < first)
        {
            throw new ArgumentException("The last day is before the first.", nameof(last));
        }

        return new HolidayRule(HolidayType.FixedDates, 0, IsoDayOfWeek.None, 0, first, last);
    }

    public static HolidayRule From(Holiday holiday)
    {
        ArgumentNullException.ThrowIfNull(holiday);
        return holiday.Type == HolidayType.VariableDate
            ? Yearly(holiday.Month ?? 0, holiday.DayInWeek ?? 0, holiday.DayOrder ?? 0)
            : Dates(LocalDate.FromDateOnly(holiday.StartDate!.Value), LocalDate.FromDateOnly((holiday.EndDate ?? holiday.StartDate).Value));
    }

    /// <summary>Whether the holiday falls on this local date.</summary>
    public bool Covers(LocalDate date)
    {
        if (Type == HolidayType.FixedDates)
        {
            return date >= First && date <= LastDate;
        }

        if (date.Month != Month || date.DayOfWeek != Weekday)
        {
            return false;
        }

        // The n-th weekday of a month is the one in days 7n+1..7n+7; the last is within 7 days of the month's end.
        return Order == Last
            ? date.Day + 7 > CalendarSystem.Iso.GetDaysInMonth(date.Year, date.Month)
            : (date.Day - 1) / 7 == Order;
    }

    /// <summary>
    /// The holiday's days that touch <paramref name="year"/>: the one date of a yearly rule, or a fixed range
    /// that overlaps the year, whole (a range across New Year is reported for both years). False when none.
    /// </summary>
    public bool TryGetOccurrence(int year, out LocalDate first, out LocalDate last)
    {
        if (Type == HolidayType.FixedDates)
        {
            first = First;
            last = LastDate;
            return First.Year <= year && LastDate.Year >= year;
        }

        first = last = DateIn(year);
        return true;
    }

    /// <summary>The date of a yearly rule in <paramref name="year"/> (every month has a fourth and a last of each weekday).</summary>
    public LocalDate DateIn(int year)
    {
        if (Type != HolidayType.VariableDate)
        {
            throw new InvalidOperationException("Only a yearly rule has one date per year.");
        }

        if (Order == Last)
        {
            var end = new LocalDate(year, Month, CalendarSystem.Iso.GetDaysInMonth(year, Month));
            return end.PlusDays(-(((int)end.DayOfWeek - (int)Weekday + 7) % 7));
        }

        var start = new LocalDate(year, Month, 1);
        return start.PlusDays((((int)Weekday - (int)start.DayOfWeek + 7) % 7) + (7 * Order));
    }

    /// <summary>"Last Monday of May", "Dec 25th 2018", "Dec 24th 2018 - Jan 2nd 2019".</summary>
    public string Describe()
    {
        if (Type == HolidayType.VariableDate)
        {
            return $"{OrderNames[Order]} {Weekday} of {MonthNames[Month - 1]}";
        }

        return First == LastDate ? Day(First) : $"{Day(First)} - {Day(LastDate)}";
    }

    private static string Day(LocalDate date) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{MonthNames[date.Month - 1][..3]} {date.Day}{Suffix(date.Day)} {date.Year}");

    private static string Suffix(int day) => day switch
    {
        11 or 12 or 13 => "th",
        _ when day % 10 == 1 => "st",
        _ when day % 10 == 2 => "nd",
        _ when day % 10 == 3 => "rd",
        _ => "th",
    };
}
