using NodaTime;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Holidays;

namespace Scheduling.Grains.Tests.Holidays;

public sealed class HolidayDatesTests
{
    [Theory]
    [InlineData("2018-12-25 00:00:00", 2018, 12, 25)]
    [InlineData("2018-12-26 23:59:59", 2018, 12, 26)]
    [InlineData("2018-12-26 23:59", 2018, 12, 26)]
    [InlineData("2031-3-3", 2031, 3, 3)]
    [InlineData(" 2031-03-03 ", 2031, 3, 3)]
    [InlineData("2031-03-03T10:00:00+02:00", 2031, 3, 3)]
    [InlineData("2031-03-03T10:00:00.123Z", 2031, 3, 3)]
    [InlineData("2024-02-29", 2024, 2, 29)]
    public void TheAcceptedFormsGiveTheDateWritten(string text, int year, int month, int day) =>
        Assert.Equal(new LocalDate(year, month, day), HolidayDates.Parse(text, "start_date"));

    [Theory]
    [InlineData("2031-02-29")]
    [InlineData("2031-13-01")]
    [InlineData("2031-04-31")]
    [InlineData("25/12/2018")]
    [InlineData("2031-03-03 24:00")]
    [InlineData("2031-03-03 10:60")]
    [InlineData("1899-12-31")]
    [InlineData("tomorrow")]
    [InlineData("")]
    public void AnythingElseIsRefusedNamingTheField(string text)
    {
        var refused = Assert.Throws<FieldValidationException>(() => HolidayDates.Parse(text, "end_date"));

        Assert.Equal("end_date", refused.Field);
    }

    [Fact]
    public void DaysAreWrittenAsTheReferenceWritesThem()
    {
        var day = new LocalDate(2018, 12, 25);

        Assert.Equal("2018-12-25 00:00:00", HolidayDates.StartOfDay(day));
        Assert.Equal("2018-12-25 23:59:59", HolidayDates.EndOfDay(day));
    }

    [Fact]
    public void TheTimestampIsTheDaysMidnightInUtc() =>
        // The reference's example: Thanksgiving 2018.
        Assert.Equal(1542844800, HolidayDates.UnixSeconds(new LocalDate(2018, 11, 22)));
}
