using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Appointments;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.Tests.Appointments;

/// <summary>The time forms SPEC §6 accepts, read in US/Pacific (UTC-8 on 2031-03-03), and the ones it refuses.</summary>
public sealed class AppointmentTimesTests
{
    private static readonly TimeZoneEntry Pacific = TimeZoneTable.Embedded.Default;

    [Theory]
    [InlineData("2031-03-03 09:00", "2031-03-03T17:00:00Z")]
    [InlineData("2031-3-3 9:00", "2031-03-03T17:00:00Z")]
    [InlineData("  2031-03-03 09:00\t", "2031-03-03T17:00:00Z")]
    [InlineData("2031-03-03T09:00:30", "2031-03-03T17:00:30Z")]
    [InlineData("2031-03-03t09:00:30.123456789z", "2031-03-03T09:00:30Z")]
    [InlineData("2031-03-03T09:00Z", "2031-03-03T09:00:00Z")]
    [InlineData("2031-03-03T09:00+02:00", "2031-03-03T07:00:00Z")]
    [InlineData("2031-03-03 09:00:00+0200", "2031-03-03T07:00:00Z")]
    [InlineData("2031-03-03T09:00-05:30", "2031-03-03T14:30:00Z")]
    [InlineData("2031-03-03T09:00+14:00", "2031-03-02T19:00:00Z")]
    public void AStartIsReadInTheZoneUnlessItNamesAnOffset(string text, string utc)
    {
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), AppointmentTimes.ParseStart(text, "start_date", Pacific));
    }

    [Theory]
    [InlineData("2031-03-03", "must be")]
    [InlineData("2031-03-03 9", "must be")]
    [InlineData("2031-03-03 09:0", "must be")]
    [InlineData("2031-03-03 09:00:5", "must be")]
    [InlineData("20310-03-03 09:00", "must be")]
    [InlineData("2031-003-03 09:00", "must be")]
    [InlineData("2031-03-03 100:00", "must be")]
    [InlineData("2031-03-03 09:00+2:00", "must be")]
    [InlineData("2031-03-03 09:00+02:000", "must be")]
    [InlineData("2031-03-03 09:00:00.1234567890", "must be")]
    [InlineData("2031-03-03  09:00", "must be")]
    [InlineData("\u0662\u0660\u0663\u0661-03-03 09:00", "must be")]
    [InlineData("2031-02-30 09:00", "is not a date")]
    [InlineData("1899-12-31 09:00", "is not a date")]
    [InlineData("2031-03-03 24:00", "no such time of day")]
    [InlineData("2031-03-03 09:60", "no such time of day")]
    [InlineData("2031-03-03 09:00+14:01", "no such offset")]
    [InlineData("2031-03-03 09:00-18:00", "no such offset")]
    [InlineData("", "must be")]
    public void AMalformedStartIsRefusedNamingTheField(string text, string problem)
    {
        var refused = Assert.Throws<ApiException>(() => AppointmentTimes.ParseStart(text, "start_date", Pacific));

        Assert.StartsWith("start_date: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(problem, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABoundMayBeABareDateMeaningItsLocalMidnightOrTheNextForAnUpperBound()
    {
        Assert.Equal(new DateTimeOffset(2031, 3, 3, 8, 0, 0, TimeSpan.Zero), AppointmentTimes.ParseBound("2031-03-03", "start_date", Pacific, upper: false));
        Assert.Equal(new DateTimeOffset(2031, 3, 4, 8, 0, 0, TimeSpan.Zero), AppointmentTimes.ParseBound("2031-03-03", "end_date", Pacific, upper: true));
        Assert.Equal(new DateTimeOffset(2031, 3, 3, 17, 30, 0, TimeSpan.Zero), AppointmentTimes.ParseBound("2031-03-03 09:30", "end_date", Pacific, upper: true));
        Assert.Throws<ApiException>(() => AppointmentTimes.ParseBound("2031-03", "start_date", Pacific, upper: false));
    }
}
