using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Services;

namespace Scheduling.Grains.Tests.Services;

public sealed class ServiceRulesTests
{
    private static readonly ImmutableDictionary<string, JsonElement> Nothing = ImmutableDictionary<string, JsonElement>.Empty;

    [Theory]
    [InlineData("duration", 62)]
    [InlineData("duration_padding", 7)]
    [InlineData("start_step", 3)]
    public void MinutesMustBeMultiplesOfFive(string field, int minutes)
    {
        var error = Assert.Throws<FieldValidationException>(() => Normalize($$"""{"name": "Cut", "{{field}}": {{minutes}}}"""));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void ActiveDatesAreNormalizedAndAnEmptyStringOrNullClearsThem()
    {
        var set = Normalize("""{"active_from": "2031-3-3", "active_until": "2031-12-31"}""");
        Assert.Equal("2031-03-03", set["active_from"].GetString());

        var cleared = Normalize("""{"active_from": "", "active_until": null}""", stored: set);
        Assert.Equal(JsonValueKind.Null, cleared["active_from"].ValueKind);
        Assert.Equal(JsonValueKind.Null, cleared["active_until"].ValueKind);
    }

    [Fact]
    public void TheActiveIntervalMustBeInOrderAlsoAgainstTheStoredDate()
    {
        var stored = Normalize("""{"active_from": "2031-06-01"}""");

        var error = Assert.Throws<FieldValidationException>(() => Normalize("""{"active_until": "2031-05-31"}""", stored));

        Assert.Equal("active_until", error.Field);
    }

    [Fact]
    public void SetScheduleNeedsASchedule()
    {
        var error = Assert.Throws<FieldValidationException>(() => Normalize("""{"set_schedule": 1}"""));

        Assert.Equal("schedule", error.Field);
    }

    [Fact]
    public void AnAddOnCannotHaveAddOns()
    {
        var error = Assert.Throws<FieldValidationException>(() => Normalize("""{"is_subservice": true, "subservices": [5]}"""));

        Assert.Equal("subservices", error.Field);
    }

    [Fact]
    public void SubServicesAreStoredAsDistinctIds()
    {
        var values = Normalize("""{"subservices": ["5", 6, 5]}""");

        Assert.Equal([5L, 6L], ServiceRules.SubServiceIds(values).ToArray());
    }

    private static ImmutableDictionary<string, JsonElement> Normalize(string json, ImmutableDictionary<string, JsonElement>? stored = null)
    {
        var input = JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        var bound = ServiceSchemas.Service.Bind(input, create: false);
        return (stored ?? Nothing).SetItems(ServiceRules.Normalize(bound, input, stored ?? Nothing));
    }
}
