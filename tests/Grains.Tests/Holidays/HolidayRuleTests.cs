using NodaTime;
using Scheduling.Contracts.Holidays;
using Scheduling.Grains.Holidays;

namespace Scheduling.Grains.Tests.Holidays;

public sealed class HolidayRuleTests
{
    // API numbering: month 0 = January, day_in_week 0 = Monday, day_order 0 = first .. 3 = fourth, 4 = last.
    private const int May = 4;
    private const int September = 8;
    private const int November = 10;
    private const int February = 1;
    private const int Monday = 0;
    private const int Thursday = 3;

    [Theory]
    [InlineData(2024, 27)]
    [InlineData(2025, 26)]
    [InlineData(2026, 25)]
    public void LastMondayOfMayIsMemorialDay(int year, int day)
    {
        var rule = HolidayRule.Yearly(May, Monday, HolidayRule.Last);

        Assert.Equal(new LocalDate(year, 5, day), rule.DateIn(year));
        Assert.True(rule.Covers(new LocalDate(year, 5, day)));
        Assert.False(rule.Covers(new LocalDate(year, 5, day - 7)));
    }

    [Theory]
    [InlineData(2018, 22)]
    [InlineData(2024, 28)]
    [InlineData(2025, 27)]
    public void FourthThursdayOfNovemberIsThanksgiving(int year, int day)
    {
        var rule = HolidayRule.Yearly(November, Thursday, 3);

        Assert.Equal(new LocalDate(year, 11, day), rule.DateIn(year));
        Assert.True(rule.Covers(new LocalDate(year, 11, day)));
    }

    [Fact]
    public void TheFourthThursdayIsNotTheLastWhenTheMonthHasFive()
    {
        // November 2018 has Thursdays 1, 8, 15, 22, 29.
        var fourth = HolidayRule.Yearly(November, Thursday, 3);
        var last = HolidayRule.Yearly(November, Thursday, HolidayRule.Last);

        Assert.Equal(new LocalDate(2018, 11, 22), fourth.DateIn(2018));
        Assert.Equal(new LocalDate(2018, 11, 29), last.DateIn(2018));
        Assert.False(fourth.Covers(new LocalDate(2018, 11, 29)));
        Assert.False(last.Covers(new LocalDate(2018, 11, 22)));
    }

    [Fact]
    public void FirstMondayOfSeptemberCanBeTheFirstDayOfTheMonth()
    {
        var rule = HolidayRule.Yearly(September, Monday, 0);

        Assert.Equal(new LocalDate(2025, 9, 1), rule.DateIn(2025));
        Assert.True(rule.Covers(new LocalDate(2025, 9, 1)));
        Assert.False(rule.Covers(new LocalDate(2025, 9, 8)));
    }

    [Fact]
    public void TheLastThursdayOfFebruaryIsTheTwentyNinthInALeapYear()
    {
        var rule = HolidayRule.Yearly(February, Thursday, HolidayRule.Last);

        Assert.Equal(new LocalDate(2024, 2, 29), rule.DateIn(2024));
        Assert.Equal(new LocalDate(2023, 2, 23), rule.DateIn(2023));
        Assert.True(rule.Covers(new LocalDate(2024, 2, 29)));
        Assert.False(rule.Covers(new LocalDate(2024, 2, 22)));
    }

    [Fact]
    public void EveryYearlyRuleCoversExactlyTheDayACalendarCountSays()
    {
        // An independent oracle: list the month's days of that weekday and pick by position.
        for (var year = 2020; year <= 2028; year++)
        {
            for (var month = 0; month < 12; month++)
            {
                var days = Enumerable.Range(1, CalendarSystem.Iso.GetDaysInMonth(year, month + 1))
                    .Select(d => new LocalDate(year, month + 1, d)).ToList();
                for (var weekday = 0; weekday < 7; weekday++)
                {
                    var same = days.Where(d => d.DayOfWeek == (IsoDayOfWeek)(weekday + 1)).ToList();
                    for (var order = 0; order <= HolidayRule.Last; order++)
                    {
                        var expected = order == HolidayRule.Last ? same[^1] : same[order];
                        var rule = HolidayRule.Yearly(month, weekday, order);

                        Assert.Equal(expected, rule.DateIn(year));
                        Assert.Equal([expected], days.Where(rule.Covers));
                    }
                }
            }
        }
    }

    [Fact]
    public void AYearlyRuleCoversNothingOutsideItsMonth()
    {
        var rule = HolidayRule.Yearly(May, Monday, 0);

        Assert.False(rule.Covers(new LocalDate(2025, 6, 2)));
        Assert.False(rule.Covers(new LocalDate(2025, 4, 7)));
    }

    [Fact]
    public void FixedDatesAcrossNewYearCoverBothEndsAndNothingOutside()
    {
        var rule = HolidayRule.Dates(new LocalDate(2030, 12, 24), new LocalDate(2031, 1, 2));

        Assert.True(rule.Covers(new LocalDate(2030, 12, 24)));
        Assert.True(rule.Covers(new LocalDate(2030, 12, 31)));
        Assert.True(rule.Covers(new LocalDate(2031, 1, 1)));
        Assert.True(rule.Covers(new LocalDate(2031, 1, 2)));
        Assert.False(rule.Covers(new LocalDate(2030, 12, 23)));
        Assert.False(rule.Covers(new LocalDate(2031, 1, 3)));
    }

    [Fact]
    public void FixedDatesAcrossNewYearOccurInBothYearsWhole()
    {
        var rule = HolidayRule.Dates(new LocalDate(2030, 12, 24), new LocalDate(2031, 1, 2));

        Assert.True(rule.TryGetOccurrence(2030, out var first, out var last));
        Assert.Equal((new LocalDate(2030, 12, 24), new LocalDate(2031, 1, 2)), (first, last));
        Assert.True(rule.TryGetOccurrence(2031, out _, out _));
        Assert.False(rule.TryGetOccurrence(2029, out _, out _));
        Assert.False(rule.TryGetOccurrence(2032, out _, out _));
    }

    [Fact]
    public void AYearlyRuleOccursOnceEveryYear()
    {
        var rule = HolidayRule.Yearly(May, Monday, HolidayRule.Last);

        Assert.True(rule.TryGetOccurrence(2031, out var first, out var last));
        Assert.Equal(new LocalDate(2031, 5, 26), first);
        Assert.Equal(first, last);
    }

    [Fact]
    public void AOneDayRangeCoversThatDayOnly()
    {
        var rule = HolidayRule.Dates(new LocalDate(2031, 12, 25), new LocalDate(2031, 12, 25));

        Assert.True(rule.Covers(new LocalDate(2031, 12, 25)));
        Assert.False(rule.Covers(new LocalDate(2031, 12, 26)));
    }

    [Fact]
    public void RulesOutsideTheApiNumberingAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HolidayRule.Yearly(12, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HolidayRule.Yearly(0, 7, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HolidayRule.Yearly(0, 0, 5));
        Assert.Throws<ArgumentException>(() => HolidayRule.Dates(new LocalDate(2031, 1, 2), new LocalDate(2031, 1, 1)));
    }

    [Theory]
    [InlineData(May, Monday, HolidayRule.Last, "Last Monday of May")]
    [InlineData(November, Thursday, 3, "Fourth Thursday of November")]
    [InlineData(0, 6, 0, "First Sunday of January")]
    [InlineData(11, 4, 1, "Second Friday of December")]
    public void AYearlyRuleDescribesItselfInWords(int month, int weekday, int order, string caption) =>
        Assert.Equal(caption, HolidayRule.Yearly(month, weekday, order).Describe());

    [Theory]
    [InlineData(2018, 12, 25, 2018, 12, 25, "Dec 25th 2018")]
    [InlineData(2030, 12, 24, 2031, 1, 2, "Dec 24th 2030 - Jan 2nd 2031")]
    [InlineData(2031, 3, 1, 2031, 3, 3, "Mar 1st 2031 - Mar 3rd 2031")]
    [InlineData(2031, 3, 11, 2031, 3, 13, "Mar 11th 2031 - Mar 13th 2031")]
    [InlineData(2031, 3, 21, 2031, 3, 23, "Mar 21st 2031 - Mar 23rd 2031")]
    [InlineData(2031, 3, 22, 2031, 3, 31, "Mar 22nd 2031 - Mar 31st 2031")]
    public void FixedDatesDescribeThemselvesWithOrdinals(int y1, int m1, int d1, int y2, int m2, int d2, string caption) =>
        Assert.Equal(caption, HolidayRule.Dates(new LocalDate(y1, m1, d1), new LocalDate(y2, m2, d2)).Describe());

    [Fact]
    public void ARuleIsBuiltFromAStoredHoliday()
    {
        var yearly = Holiday(HolidayType.VariableDate) with { Month = May, DayInWeek = Monday, DayOrder = HolidayRule.Last };
        var fixedDates = Holiday(HolidayType.FixedDates) with { StartDate = new DateOnly(2031, 12, 24), EndDate = new DateOnly(2031, 12, 26) };

        Assert.True(HolidayRule.From(yearly).Covers(new LocalDate(2031, 5, 26)));
        Assert.True(HolidayRule.From(fixedDates).Covers(new LocalDate(2031, 12, 26)));
        Assert.False(HolidayRule.From(fixedDates).Covers(new LocalDate(2031, 12, 27)));
    }

    [Fact]
    public void TheCalendarCoversOnlyEnabledHolidays()
    {
        var christmas = Holiday(HolidayType.FixedDates) with { StartDate = new DateOnly(2031, 12, 25), EndDate = new DateOnly(2031, 12, 25) };
        var memorial = Holiday(HolidayType.VariableDate) with { Month = May, DayInWeek = Monday, DayOrder = HolidayRule.Last, Enabled = false };

        var calendar = new HolidayCalendar([christmas, memorial]);

        Assert.Equal(1, calendar.Count);
        Assert.True(calendar.Covers(new LocalDate(2031, 12, 25)));
        Assert.False(calendar.Covers(new LocalDate(2031, 5, 26)));
        Assert.False(HolidayCalendar.None.Covers(new LocalDate(2031, 12, 25)));
    }

    [Fact]
    public void AskingTheCalendarAboutADayAllocatesNothing()
    {
        var calendar = new HolidayCalendar(
        [
            Holiday(HolidayType.VariableDate) with { Month = November, DayInWeek = Thursday, DayOrder = 3 },
            Holiday(HolidayType.VariableDate) with { Month = May, DayInWeek = Monday, DayOrder = HolidayRule.Last },
            Holiday(HolidayType.FixedDates) with { StartDate = new DateOnly(2030, 12, 24), EndDate = new DateOnly(2031, 1, 2) },
        ]);
        var day = new LocalDate(2030, 1, 1);
        calendar.Covers(day);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var covered = 0;
        for (var i = 0; i < 3650; i++)
        {
            covered += calendar.Covers(day.PlusDays(i)) ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10 + 10 + 10, covered); // Thanksgiving and Memorial Day for 10 years, one 10-day range
    }

    private static Holiday Holiday(HolidayType type) =>
        new(1, 1, string.Empty, type, null, null, null, null, null, true, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
}
