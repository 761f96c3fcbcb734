using NodaTime;
using Scheduling.Grains.Calendars;

namespace Scheduling.Grains.Tests.Calendars;

public sealed class IcsCalendarTests
{
    private static readonly DateTimeZone Pacific = DateTimeZoneProviders.Tzdb["America/Los_Angeles"];

    [Fact]
    public void UtcZonedWindowsZonedFloatingAndAllDayTimesAreRead()
    {
        var events = Read(Feed(
            "BEGIN:VEVENT\r\nUID:utc\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:ny\r\nDTSTART;TZID=America/New_York:20310303T160000\r\nDTEND;TZID=America/New_York:20310303T170000\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:win\r\nDTSTART;TZID=\"W. Europe Standard Time\":20310303T090000\r\nDURATION:PT1H30M\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:moz\r\nDTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20310303T090000\r\nDTEND;TZID=/mozilla.org/20050126_1/Europe/Berlin:20310303T100000\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:floating\r\nDTSTART:20310303T090000\r\nDTEND:20310303T100000\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:day\r\nDTSTART;VALUE=DATE:20310304\r\nEND:VEVENT"));

        Assert.Equal(
            [
                ("utc", At(2031, 3, 3, 18), At(2031, 3, 3, 19)),
                ("ny", At(2031, 3, 3, 21), At(2031, 3, 3, 22)),
                ("win", At(2031, 3, 3, 8), At(2031, 3, 3, 9, 30)),
                ("moz", At(2031, 3, 3, 8), At(2031, 3, 3, 9)),
                ("floating", At(2031, 3, 3, 17), At(2031, 3, 3, 18)),
                ("day", At(2031, 3, 4, 8), At(2031, 3, 5, 8)),
            ],
            events.Select(e => (e.Uid, e.Start, e.End)));
    }

    [Fact]
    public void FoldedLinesNestedAlarmsCancelledFreeAndEndlessEventsAreHandled()
    {
        var events = Read(Feed(
            "BEGIN:VEVENT\r\nUID:long-\r\n uid\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nDTSTART:20000101T000000Z\r\nEND:VALARM\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:cancelled\r\nSTATUS:CANCELLED\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:free\r\nTRANSP:TRANSPARENT\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:instant\r\nDTSTART:20310303T180000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:series\r\nRRULE:FREQ=DAILY\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:series\r\nRECURRENCE-ID:20310304T180000Z\r\nDTSTART:20310304T200000Z\r\nDTEND:20310304T210000Z\r\nEND:VEVENT"),
            At(2031, 3, 3, 0), At(2031, 3, 6, 0));

        // The daily series in the window: the 3rd and 5th as the rule has them, the 4th as its instance moved it.
        Assert.Equal(["long-uid", "series|20310303T180000Z", "series|20310305T180000Z", "series|20310304T180000Z"], events.Select(e => e.Uid));
        Assert.Equal(At(2031, 3, 3, 18), events[0].Start);
        Assert.Equal((At(2031, 3, 4, 20), At(2031, 3, 4, 21)), (events[3].Start, events[3].End));
    }

    [Fact]
    public void TextThatIsNotACalendarIsRefused()
    {
        Assert.Throws<FormatException>(() => Read("<html>hello</html>"));
    }

    [Fact]
    public void AWeeklyRuleKeepsItsLocalTimeAcrossDaylightSavingAndHonoursExdatesAndCancelledInstances()
    {
        // Mondays and Wednesdays 09:00-10:00 Berlin time from Monday 2031-03-17; Berlin moves to summer time on 2031-03-30.
        var events = Read(
            Feed(
                "BEGIN:VEVENT\r\nUID:standup\r\nDTSTART;TZID=Europe/Berlin:20310317T090000\r\nDTEND;TZID=Europe/Berlin:20310317T100000\r\n"
                + "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20310402T070000Z\r\nEXDATE;TZID=Europe/Berlin:20310319T090000\r\nEND:VEVENT",
                "BEGIN:VEVENT\r\nUID:standup\r\nRECURRENCE-ID;TZID=Europe/Berlin:20310324T090000\r\nSTATUS:CANCELLED\r\nDTSTART;TZID=Europe/Berlin:20310324T090000\r\nDTEND;TZID=Europe/Berlin:20310324T100000\r\nEND:VEVENT"),
            At(2031, 3, 1, 0),
            At(2031, 6, 1, 0));

        Assert.Equal(
            [At(2031, 3, 17, 8), At(2031, 3, 26, 8), At(2031, 3, 31, 7), At(2031, 4, 2, 7)],
            events.Select(e => e.Start));
        Assert.All(events, e => Assert.Equal(TimeSpan.FromHours(1), e.End - e.Start));
        Assert.Equal("standup|20310331T070000Z", events[2].Uid);
    }

    [Fact]
    public void MonthlyAndYearlyRulesCountFromTheStartAndOnlyTheWindowIsKept()
    {
        var events = Read(
            Feed(
                // Last Friday of the month, 14:00 UTC, six times from January 2031.
                "BEGIN:VEVENT\r\nUID:review\r\nDTSTART:20310131T140000Z\r\nDURATION:PT2H\r\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=6\r\nEND:VEVENT",
                // The 31st of every month: months without one are skipped.
                "BEGIN:VEVENT\r\nUID:close\r\nDTSTART:20310131T120000Z\r\nDTEND:20310131T130000Z\r\nRRULE:FREQ=MONTHLY\r\nEND:VEVENT",
                // Every year on the start's day, plus one extra date.
                "BEGIN:VEVENT\r\nUID:party\r\nDTSTART;VALUE=DATE:20300415\r\nRRULE:FREQ=YEARLY\r\nRDATE;VALUE=DATE:20310420\r\nEND:VEVENT"),
            At(2031, 3, 1, 0),
            At(2031, 8, 1, 0));

        Assert.Equal(
            [At(2031, 3, 28, 14), At(2031, 4, 25, 14), At(2031, 5, 30, 14), At(2031, 6, 27, 14)],
            events.Where(e => e.Uid.StartsWith("review|", StringComparison.Ordinal)).Select(e => e.Start));
        Assert.Equal(
            [At(2031, 3, 31, 12), At(2031, 5, 31, 12), At(2031, 7, 31, 12)],
            events.Where(e => e.Uid.StartsWith("close|", StringComparison.Ordinal)).Select(e => e.Start));
        Assert.Equal(
            [At(2031, 4, 15, 7), At(2031, 4, 20, 7)],
            events.Where(e => e.Uid.StartsWith("party|", StringComparison.Ordinal)).Select(e => e.Start));
    }

    [Fact]
    public void ARuleThatCannotBeReadKeepsTheStartAlone()
    {
        var events = Read(Feed("BEGIN:VEVENT\r\nUID:hourly\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T181500Z\r\nRRULE:FREQ=HOURLY;COUNT=5\r\nEND:VEVENT"));

        var only = Assert.Single(events);
        Assert.Equal(("hourly", At(2031, 3, 3, 18)), (only.Uid, only.Start));
    }

    [Fact]
    public void RulesThatRunPastTheWindowOrNeverMatchStopAtTheWindow()
    {
        var events = Read(Feed(
            "BEGIN:VEVENT\r\nUID:rare\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nRRULE:FREQ=DAILY;INTERVAL=100000000\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:never\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nRRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:far\r\nDTSTART:99991230T180000Z\r\nDTEND:99991230T190000Z\r\nRRULE:FREQ=YEARLY;INTERVAL=5000\r\nEND:VEVENT"));

        Assert.Equal(["rare|20310303T180000Z", "never|20310303T180000Z"], events.Select(e => e.Uid));
    }

    private static System.Collections.Immutable.ImmutableArray<Contracts.Employees.BusyEvent> Read(string feed, DateTimeOffset? from = null, DateTimeOffset? until = null) =>
        IcsCalendar.ReadBusyEvents(feed, Pacific, from ?? At(2031, 1, 1, 0), until ?? At(2032, 1, 1, 0));

    private static string Feed(params string[] events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + string.Concat(events.Select(e => e + "\r\n")) + "END:VCALENDAR\r\n";

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
