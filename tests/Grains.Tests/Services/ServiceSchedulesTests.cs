using System.Text.Json;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Services;

namespace Scheduling.Grains.Tests.Services;

public sealed class ServiceSchedulesTests
{
    [Fact]
    public void TheReferenceExampleIsAWeeklyScheduleOfWeekdaysTwoToSix()
    {
        var entry = Assert.Single(Parse("""
            [{"repeat": 1, "start_date": "01/06/2019", "start_time": {"hour": 9, "min": 0, "am": "am"},
              "end_date": "01/12/2019", "end_time": {"hour": 5, "min": 0, "am": "pm"},
              "days": {"2": 1, "3": 1, "4": 1, "5": 1, "6": 1}}]
            """));

        Assert.Equal(ScheduleRepeat.Weekly, entry.Repeat);
        Assert.Equal(new DateOnly(2019, 6, 1), entry.StartDate);
        Assert.Equal(new DateOnly(2019, 12, 1), entry.EndDate);
        Assert.Equal(new TimeOfDayRange(540, 1020), entry.Window);
        Assert.Equal([2, 3, 4, 5, 6], entry.Days.ToArray());

        // Days are ISO weekdays: 1 Monday ... 7 Sunday. 2019-06-04 is a Tuesday, 2019-06-03 a Monday.
        Assert.True(entry.OccursOn(new DateOnly(2019, 6, 4)));
        Assert.False(entry.OccursOn(new DateOnly(2019, 6, 3)));
        Assert.False(entry.OccursOn(new DateOnly(2019, 12, 3)));
    }

    [Fact]
    public void OnceRunsDailyFromStartToEndDateAndMonthlyOnDaysOfTheMonth()
    {
        var entries = Parse("""
            [{"repeat": 0, "start_date": "5/3/2031", "end_date": "7/3/2031", "start_time": {"hour": "12", "min": "30", "am": "PM"}, "end_time": {"hour": 12, "am": "am"}},
             {"repeat": 2, "start_date": "1/1/2031", "start_time": {"hour": 8, "min": 0, "am": "am"}, "end_time": {"hour": 10, "min": 0, "am": "am"}, "days": [1, 15]}]
            """);

        var once = entries[0];
        Assert.Equal(new TimeOfDayRange(750, 1440), once.Window);
        Assert.True(once.OccursOn(new DateOnly(2031, 3, 6)));
        Assert.False(once.OccursOn(new DateOnly(2031, 3, 8)));

        var monthly = entries[1];
        Assert.Null(monthly.EndDate);
        Assert.True(monthly.OccursOn(new DateOnly(2040, 7, 15)));
        Assert.False(monthly.OccursOn(new DateOnly(2040, 7, 16)));
    }

    [Fact]
    public void RenderingGivesOneNormalizedFormThatParsesBackTheSame()
    {
        var entries = Parse("""[{"repeat": "1", "start_date": "2031-3-3", "start_time": {"hour": 12, "min": 0, "am": "am"}, "end_time": {"hour": 12, "min": 15, "am": "pm"}, "days": {"7": 1, "1": "1", "3": 0}}]""");

        var rendered = ServiceSchedules.Render(entries);

        Assert.Equal(
            """[{"repeat":1,"start_date":"03/03/2031","start_time":{"hour":12,"min":0,"am":"am"},"end_date":null,"end_time":{"hour":12,"min":15,"am":"pm"},"days":{"1":1,"7":1}}]""",
            rendered.GetRawText());
        var again = Assert.Single(ServiceSchedules.Parse(rendered));
        Assert.Equal(entries[0] with { Days = again.Days }, again);
        Assert.Equal(entries[0].Days.ToArray(), again.Days.ToArray());
    }

    [Theory]
    [InlineData("""{"repeat": 3, "start_date": "1/1/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}}""", "schedule[0].repeat")]
    [InlineData("""[{"repeat": 0, "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}}]""", "schedule[0].start_date")]
    [InlineData("""[{"repeat": 0, "start_date": "31/2/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}}]""", "schedule[0].start_date")]
    [InlineData("""[{"repeat": 0, "start_date": "2/1/2031", "end_date": "1/1/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}}]""", "schedule[0].end_date")]
    [InlineData("""[{"repeat": 0, "start_date": "1/1/2031", "start_time": {"hour": 13, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}}]""", "schedule[0].start_time.hour")]
    [InlineData("""[{"repeat": 0, "start_date": "1/1/2031", "start_time": {"hour": 9, "min": 60, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}}]""", "schedule[0].start_time.min")]
    [InlineData("""[{"repeat": 0, "start_date": "1/1/2031", "start_time": {"hour": 9, "am": "noon"}, "end_time": {"hour": 5, "am": "pm"}}]""", "schedule[0].start_time.am")]
    [InlineData("""[{"repeat": 0, "start_date": "1/1/2031", "start_time": "9:00", "end_time": {"hour": 5, "am": "pm"}}]""", "schedule[0].start_time")]
    [InlineData("""[{"repeat": 0, "start_date": "1/1/2031", "start_time": {"hour": 5, "am": "pm"}, "end_time": {"hour": 9, "am": "am"}}]""", "schedule[0].end_time")]
    [InlineData("""[{"repeat": 1, "start_date": "1/1/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}}]""", "schedule[0].days")]
    [InlineData("""[{"repeat": 1, "start_date": "1/1/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}, "days": {"8": 1}}]""", "schedule[0].days.8")]
    [InlineData("""[{"repeat": 1, "start_date": "1/1/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}, "days": {"2": 0}}]""", "schedule[0].days")]
    [InlineData("""[{"repeat": 2, "start_date": "1/1/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}, "days": [32]}]""", "schedule[0].days[0]")]
    [InlineData("""[{"repeat": 2, "start_date": "1/1/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}, "days": {"2": "yes"}}]""", "schedule[0].days.2")]
    [InlineData("""[5]""", "schedule[0]")]
    [InlineData("""7""", "schedule")]
    public void AMalformedEntryIsRefusedNamingThePlace(string document, string field)
    {
        var error = Assert.Throws<FieldValidationException>(() => Parse(document));

        Assert.Equal(field, error.Field);
    }

    private static System.Collections.Immutable.ImmutableArray<ServiceScheduleEntry> Parse(string json) =>
        ServiceSchedules.Parse(JsonDocument.Parse(json).RootElement);
}
