using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Employees;
using Scheduling.Grains.Calendars;

namespace Scheduling.Grains.Tests.Calendars;

public sealed class WorkingHoursTests
{
    private const long Here = 1;
    private const long There = 2;

    // 2031-03-03 is a Monday.
    private static readonly DateOnly Monday = new(2031, 3, 3);

    [Fact]
    public void WeeklyHoursApplyOnTheirWeekdayAtTheirLocation()
    {
        var assignments = Parse("""[{"repeat": 1, "location_id": 1, "days": {"mo": {"time": [["09:00", "12:00"], ["13:00", "17:00"]]}}}]""");

        Assert.Equal([new TimeOfDayRange(540, 720), new TimeOfDayRange(780, 1020)], WorkingHours.On(assignments, Here, Monday).ToArray());
        Assert.Empty(WorkingHours.On(assignments, There, Monday));
        Assert.Empty(WorkingHours.On(assignments, Here, Monday.AddDays(1)));
    }

    [Fact]
    public void WeeklyHoursRespectTheirStartAndEndDates()
    {
        var assignments = Parse("""[{"repeat": 1, "start_date": "3/10/2031", "end_date": "3/17/2031", "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""");

        Assert.Empty(WorkingHours.On(assignments, Here, Monday));
        Assert.Single(WorkingHours.On(assignments, Here, Monday.AddDays(7)));
        Assert.Single(WorkingHours.On(assignments, Here, Monday.AddDays(14)));
        Assert.Empty(WorkingHours.On(assignments, Here, Monday.AddDays(21)));
    }

    [Fact]
    public void DateIntervalHoursReplaceTheWeeklyOnesOnTheirDates()
    {
        var assignments = Parse("""
            [{"repeat": 1, "days": {"mo": {"time": [["09:00", "17:00"]]}}},
             {"repeat": 2, "start_date": "3/3/2031", "end_date": "3/3/2031", "days": {"mo": {"time": [["10:00", "12:00"]]}}}]
            """);

        Assert.Equal([new TimeOfDayRange(600, 720)], WorkingHours.On(assignments, Here, Monday).ToArray());
        Assert.Equal([new TimeOfDayRange(540, 1020)], WorkingHours.On(assignments, Here, Monday.AddDays(7)).ToArray());
    }

    [Fact]
    public void OutOfOfficeTimeIsTakenAwayAndWithoutDaysTakesWholeDays()
    {
        var assignments = Parse("""
            [{"repeat": 1, "days": {"mo": {"time": [["09:00", "17:00"]]}}},
             {"repeat": 1, "type": 1, "days": {"mo": {"time": [["12:00", "13:00"]]}}},
             {"repeat": 2, "type": 1, "start_date": "3/10/2031", "end_date": "3/16/2031"}]
            """);

        Assert.Equal([new TimeOfDayRange(540, 720), new TimeOfDayRange(780, 1020)], WorkingHours.On(assignments, Here, Monday).ToArray());
        Assert.Empty(WorkingHours.On(assignments, Here, Monday.AddDays(7)));
        Assert.Equal(2, WorkingHours.On(assignments, Here, Monday.AddDays(14)).Length);
    }

    private static ImmutableArray<AvailabilityAssignment> Parse(string json) =>
        AvailabilityFormat.Parse(JsonDocument.Parse(json).RootElement, id => id is Here or There);
}
