using System.Text.Json;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Calendars;

namespace Scheduling.Grains.Tests.Calendars;

public sealed class AvailabilityFormatTests
{
    private const long Location = 2144;

    [Fact]
    public void TheReferenceExampleParsesIntoTypedWeeklyHours()
    {
        var assignments = Parse("""
            [{"repeat": 1, "type": 0, "start_date": "12/1/2015", "end_date": "12/31/2015", "location_id": 2144,
              "days": {"mo": {"time": [["10:00", "18:00"], ["22:00", "23:00"]]}, "tu": {"time": [["14:00", "18:00"], ["20:00", "23:00"]]}}}]
            """);

        var assignment = Assert.Single(assignments);
        Assert.Equal(AvailabilityRepeat.Weekly, assignment.Repeat);
        Assert.Equal(AvailabilityType.Available, assignment.Type);
        Assert.Equal(new DateOnly(2015, 12, 1), assignment.StartDate);
        Assert.Equal(new DateOnly(2015, 12, 31), assignment.EndDate);
        Assert.Equal(Location, assignment.LocationId);
        Assert.Equal([new TimeOfDayRange(600, 1080), new TimeOfDayRange(1320, 1380)], assignment.On(DayOfWeek.Monday).ToArray());
        Assert.Equal([new TimeOfDayRange(840, 1080), new TimeOfDayRange(1200, 1380)], assignment.On(DayOfWeek.Tuesday).ToArray());
        Assert.Empty(assignment.On(DayOfWeek.Wednesday));
    }

    [Fact]
    public void RenderingGivesBackTheNormalizedDocument()
    {
        var assignments = Parse("""
            [{"repeat": "2", "type": "1", "start_date": "03/05/2031", "end_date": "3/9/2031", "location_id": "0",
              "days": {"FR": {"time": [["13:00", "24:00"], ["9:00", "10:30"]]}}}]
            """);

        var rendered = JsonSerializer.Serialize(AvailabilityFormat.Render(assignments));

        Assert.Equal(
            """[{"repeat":2,"type":1,"start_date":"3/5/2031","end_date":"3/9/2031","location_id":0,"days":{"fr":{"time":[["09:00","10:30"],["13:00","24:00"]]}}}]""",
            rendered);
        Assert.Equal(assignments, AvailabilityFormat.Parse(JsonDocument.Parse(rendered).RootElement, id => id == Location), new AssignmentComparer());
    }

    [Fact]
    public void AnOutOfOfficeIntervalMayListNoDays()
    {
        var assignment = Assert.Single(Parse("""[{"repeat": 2, "type": 1, "start_date": "7/1/2031", "end_date": "7/14/2031"}]"""));

        Assert.True(assignment.Days.IsEmpty);
        Assert.Null(assignment.LocationId);
    }

    [Fact]
    public void ADocumentGivenAsJsonTextIsRead()
    {
        var text = JsonSerializer.SerializeToElement("""[{"repeat": 1, "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""");

        Assert.Single(AvailabilityFormat.Parse(text, _ => true));
    }

    [Theory]
    [InlineData("""{"repeat": 1}""", "availabilities", "array")]
    [InlineData("""[{"repeat": 3, "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].repeat", "between")]
    [InlineData("""[{"days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].repeat", "required")]
    [InlineData("""[{"repeat": 1, "type": 2, "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].type", "between")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["25:00", "26:00"]]}}}]""", "availabilities[0].days.mo.time[0]", "not a time")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["09:60", "10:00"]]}}}]""", "availabilities[0].days.mo.time[0]", "not a time")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["9:5", "10:00"]]}}}]""", "availabilities[0].days.mo.time[0]", "not a time")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["24:00", "24:00"]]}}}]""", "availabilities[0].days.mo.time[0]", "not a time")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [[900, "10:00"]]}}}]""", "availabilities[0].days.mo.time[0]", "not a time")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["18:00", "10:00"]]}}}]""", "availabilities[0].days.mo.time[0]", "must end after")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["10:00", "10:00"]]}}}]""", "availabilities[0].days.mo.time[0]", "must end after")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["09:00"]]}}}]""", "availabilities[0].days.mo.time[0]", "pair")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["09:00", "12:00"], ["11:00", "13:00"]]}}}]""", "availabilities[0].days.mo.time", "overlap")]
    [InlineData("""[{"repeat": 1, "days": {"xx": {"time": [["09:00", "12:00"]]}}}]""", "availabilities[0].days.xx", "not a day")]
    [InlineData("""[{"repeat": 1, "days": {"mo": {"time": [["09:00", "12:00"]]}, "MO": {"time": [["13:00", "14:00"]]}}}]""", "availabilities[0].days.MO", "twice")]
    [InlineData("""[{"repeat": 1, "days": {}}]""", "availabilities[0].days", "no working hours")]
    [InlineData("""[{"repeat": 1, "days": "mo"}]""", "availabilities[0].days", "object")]
    [InlineData("""[{"repeat": 2, "start_date": "1/1/2031", "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].end_date", "required")]
    [InlineData("""[{"repeat": 2, "start_date": "2/1/2031", "end_date": "1/1/2031", "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].end_date", "before")]
    [InlineData("""[{"repeat": 1, "start_date": "13/1/2031", "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].start_date", "M/D/YYYY")]
    [InlineData("""[{"repeat": 1, "start_date": "2/30/2031", "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].start_date", "not a date")]
    [InlineData("""[{"repeat": 1, "location_id": 99, "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].location_id", "no location 99")]
    [InlineData("""[{"repeat": 1, "location_id": "x", "days": {"mo": {"time": [["09:00", "17:00"]]}}}]""", "availabilities[0].location_id", "integer")]
    [InlineData("""[7]""", "availabilities[0]", "object")]
    public void AMalformedAssignmentIsRefusedNamingThePlace(string document, string field, string problem)
    {
        var error = Assert.Throws<FieldValidationException>(() => Parse(document));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void WorkingHoursMayNotOverlapAcrossAssignmentsEvenAtAnotherLocation()
    {
        var error = Assert.Throws<FieldValidationException>(() => Parse("""
            [{"repeat": 1, "location_id": 2144, "days": {"mo": {"time": [["09:00", "13:00"]]}}},
             {"repeat": 1, "location_id": 2145, "days": {"tu": {"time": [["09:00", "13:00"]]}, "mo": {"time": [["12:00", "17:00"]]}}}]
            """, id => id is 2144 or 2145));

        Assert.Equal("availabilities[1].days.mo", error.Field);
        Assert.Contains("12:00-17:00 overlaps 09:00-13:00 of availabilities[0]", error.Problem);
    }

    [Fact]
    public void AssignmentsWhoseDatesDoNotMeetMayUseTheSameHours()
    {
        var assignments = Parse("""
            [{"repeat": 2, "start_date": "1/1/2031", "end_date": "1/31/2031", "days": {"mo": {"time": [["09:00", "17:00"]]}}},
             {"repeat": 2, "start_date": "2/1/2031", "end_date": "2/28/2031", "days": {"mo": {"time": [["09:00", "17:00"]]}}},
             {"repeat": 1, "days": {"mo": {"time": [["08:00", "18:00"]]}}},
             {"repeat": 1, "type": 1, "days": {"mo": {"time": [["12:00", "13:00"]]}}},
             {"repeat": 1, "type": 1, "days": {"mo": {"time": [["12:30", "13:30"]]}}}]
            """);

        Assert.Equal(5, assignments.Length);
    }

    private static System.Collections.Immutable.ImmutableArray<AvailabilityAssignment> Parse(string json, Func<long, bool>? isLocation = null) =>
        AvailabilityFormat.Parse(JsonDocument.Parse(json).RootElement, isLocation ?? (id => id == Location));

    // Records holding immutable collections compare those by reference; assignments are equal when their contents are.
    private sealed class AssignmentComparer : IEqualityComparer<AvailabilityAssignment>
    {
        public bool Equals(AvailabilityAssignment? x, AvailabilityAssignment? y) =>
            x is not null && y is not null
            && x with { Days = y.Days } == y
            && x.Days.Count == y.Days.Count
            && x.Days.All(d => y.Days.TryGetValue(d.Key, out var ranges) && ranges.SequenceEqual(d.Value));

        public int GetHashCode(AvailabilityAssignment obj) => obj.Repeat.GetHashCode();
    }
}
