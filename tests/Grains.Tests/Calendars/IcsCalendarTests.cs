using NodaTime;
using Scheduling.Grains.Calendars;

namespace Scheduling.Grains.Tests.Calendars;

public sealed class IcsCalendarTests
{
    private static readonly DateTimeZone Pacific = DateTimeZoneProviders.Tzdb["America/Los_Angeles"];

    [Fact]
    public void UtcZonedWindowsZonedFloatingAndAllDayTimesAreRead()
    {
        var events = IcsCalendar.ReadBusyEvents(Feed(
            "BEGIN:VEVENT\r\nUID:utc\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:ny\r\nDTSTART;TZID=America/New_York:20310303T160000\r\nDTEND;TZID=America/New_York:20310303T170000\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:win\r\nDTSTART;TZID=\"W. Europe Standard Time\":20310303T090000\r\nDURATION:PT1H30M\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:moz\r\nDTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20310303T090000\r\nDTEND;TZID=/mozilla.org/20050126_1/Europe/Berlin:20310303T100000\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:floating\r\nDTSTART:20310303T090000\r\nDTEND:20310303T100000\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:day\r\nDTSTART;VALUE=DATE:20310304\r\nEND:VEVENT"), Pacific);

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
        var events = IcsCalendar.ReadBusyEvents(Feed(
            "BEGIN:VEVENT\r\nUID:long-\r\n uid\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nDTSTART:20000101T000000Z\r\nEND:VALARM\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:cancelled\r\nSTATUS:CANCELLED\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:free\r\nTRANSP:TRANSPARENT\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:instant\r\nDTSTART:20310303T180000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:series\r\nRRULE:FREQ=DAILY\r\nDTSTART:20310303T180000Z\r\nDTEND:20310303T190000Z\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:series\r\nRECURRENCE-ID:20310304T180000Z\r\nDTSTART:20310304T200000Z\r\nDTEND:20310304T210000Z\r\nEND:VEVENT"), Pacific);

        Assert.Equal(["long-uid", "series", "series|20310304T180000Z"], events.Select(e => e.Uid));
        Assert.Equal(At(2031, 3, 3, 18), events[0].Start);
    }

    [Fact]
    public void TextThatIsNotACalendarIsRefused()
    {
        Assert.Throws<FormatException>(() => IcsCalendar.ReadBusyEvents("<html>hello</html>", Pacific));
    }

    private static string Feed(params string[] events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + string.Concat(events.Select(e => e + "\r\n")) + "END:VCALENDAR\r\n";

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
