using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Holidays;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Holidays;

namespace Scheduling.Grains.Tests.Holidays;

public sealed class HolidayChangesTests
{
    private static readonly DateTimeOffset Now = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AYearlyHolidayTakesMonthWeekdayAndOrder()
    {
        var holiday = HolidayChanges.Apply(null, 5, 9, Values(new { type = 1, name = "Memorial Day", month = 4, day_in_week = 0, day_order = 4 }), Now);

        Assert.Equal((HolidayType.VariableDate, 4, 0, 4), (holiday.Type, holiday.Month, holiday.DayInWeek, holiday.DayOrder));
        Assert.Equal(("Memorial Day", 5L, 9L, true), (holiday.Name, holiday.Id, holiday.CompanyId, holiday.Enabled));
    }

    [Theory]
    [InlineData("""{"type":1,"day_in_week":0,"day_order":4}""", "month")]
    [InlineData("""{"type":1,"month":4,"day_order":4}""", "day_in_week")]
    [InlineData("""{"type":1,"month":4,"day_in_week":0}""", "day_order")]
    [InlineData("""{"type":2}""", "start_date")]
    [InlineData("""{"type":2,"start_date":"2031-12-26","end_date":"2031-12-24"}""", "end_date")]
    [InlineData("""{"type":2,"start_date":"2031-01-01","end_date":"2032-01-02"}""", "end_date")]
    [InlineData("""{"type":2,"start_date":"2031-02-30"}""", "start_date")]
    [InlineData("""{"name":"no type"}""", "type")]
    public void AnIncompleteOrInconsistentHolidayIsRefusedNamingTheField(string json, string field)
    {
        var refused = Assert.Throws<FieldValidationException>(() => HolidayChanges.Apply(null, 1, 1, Values(json), Now));

        Assert.Equal(field, refused.Field);
    }

    [Fact]
    public void FixedDatesWithoutAnEndAreOneDay()
    {
        var holiday = HolidayChanges.Apply(null, 1, 1, Values(new { type = 2, start_date = "2031-12-25 00:00:00" }), Now);

        Assert.Equal(new DateOnly(2031, 12, 25), holiday.StartDate);
        Assert.Equal(new DateOnly(2031, 12, 25), holiday.EndDate);
    }

    [Fact]
    public void AChangeKeepsWhatItDoesNotNameAndTheCreationTime()
    {
        var created = HolidayChanges.Apply(null, 1, 1, Values(new { type = 2, name = "Christmas", start_date = "2031-12-24", end_date = "2031-12-26" }), Now);

        var changed = HolidayChanges.Apply(created, 1, 1, Values(new { enabled = 0 }), Now.AddDays(1));

        Assert.Equal(("Christmas", new DateOnly(2031, 12, 24), new DateOnly(2031, 12, 26), false), (changed.Name, changed.StartDate!.Value, changed.EndDate!.Value, changed.Enabled));
        Assert.Equal((Now, Now.AddDays(1)), (changed.CreatedAt, changed.UpdatedAt));
    }

    [Fact]
    public void SwitchingToAYearlyHolidayNeedsItsOwnAttributes()
    {
        var fixedDates = HolidayChanges.Apply(null, 1, 1, Values(new { type = 2, start_date = "2031-12-25" }), Now);

        var refused = Assert.Throws<FieldValidationException>(() => HolidayChanges.Apply(fixedDates, 1, 1, Values(new { type = 1 }), Now));

        Assert.Equal("month", refused.Field);
    }

    [Fact]
    public void MovingTheStartPastTheEndIsRefused()
    {
        var holiday = HolidayChanges.Apply(null, 1, 1, Values(new { type = 2, start_date = "2031-12-24", end_date = "2031-12-26" }), Now);

        var refused = Assert.Throws<FieldValidationException>(() => HolidayChanges.Apply(holiday, 1, 1, Values(new { start_date = "2031-12-27" }), Now));

        Assert.Equal("end_date", refused.Field);
    }

    private static ImmutableDictionary<string, JsonElement> Values(object values) =>
        HolidaySchemas.Holiday.Bind(JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()), create: true);

    private static ImmutableDictionary<string, JsonElement> Values(string json) =>
        Values(JsonSerializer.Deserialize<JsonElement>(json));
}
