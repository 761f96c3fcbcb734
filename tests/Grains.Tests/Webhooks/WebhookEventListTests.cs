using System.Text.Json;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Webhooks;

namespace Scheduling.Grains.Tests.Webhooks;

public sealed class WebhookEventListTests
{
    [Fact]
    public void NamesAndEventObjectsAreReadAsTheReferenceShowsThem()
    {
        var events = Parse("""["appointment.created", {"event": "appointment.rescheduled", "active": 0}]""");

        Assert.Equal([new("appointment.created", true), new("appointment.rescheduled", false)], events);
    }

    [Fact]
    public void ACommaSeparatedTextIsAListOfNames()
    {
        var events = WebhookEventList.Parse(JsonSerializer.SerializeToElement("appointment.created, appointment.canceled"));

        Assert.Equal(["appointment.created", "appointment.canceled"], events.Select(e => e.Event));
    }

    [Fact]
    public void AJsonArraySentAsTextIsRead()
    {
        var events = WebhookEventList.Parse(JsonSerializer.SerializeToElement("""["*"]"""));

        Assert.Equal([new WebhookEventChoice(WebhookEvents.All, true)], events.AsEnumerable());
    }

    [Fact]
    public void NamesAreMatchedIgnoringCaseAndStoredCanonically()
    {
        var events = Parse("""["Appointment.Created", {"event": "APPOINTMENT.REMINDER", "active": "1"}]""");

        Assert.Equal(["appointment.created", "appointment.reminder"], events.Select(e => e.Event));
    }

    [Fact]
    public void ARepeatedEventTakesItsLastSwitchInItsFirstPlace()
    {
        var events = Parse("""["appointment.created", "appointment.updated", {"event": "appointment.created", "active": false}]""");

        Assert.Equal([new("appointment.created", false), new("appointment.updated", true)], events);
    }

    [Theory]
    [InlineData("""["appointment.exploded"]""", "unknown event 'appointment.exploded'")]
    [InlineData("""[]""", "at least one event is required")]
    [InlineData("""[5]""", "each entry is an event name")]
    [InlineData("""[{"active": 1}]""", "needs \"event\"")]
    [InlineData("""{"event": "appointment.created"}""", "must be a list")]
    [InlineData("\"appointment.created,nope\"", "unknown event 'nope'")]
    [InlineData("\"[not json\"", "is not valid JSON")]
    public void AnythingElseIsRefusedNamingEvents(string json, string problem)
    {
        var refused = Assert.Throws<FieldValidationException>(() => Parse(json));

        Assert.Equal("events", refused.Field);
        Assert.Contains(problem, refused.Problem);
    }

    [Fact]
    public void AnEventSwitchThatIsNotABooleanIsRefusedNamingIt()
    {
        var refused = Assert.Throws<FieldValidationException>(() => Parse("""[{"event": "appointment.created", "active": "maybe"}]"""));

        Assert.Equal("events.active", refused.Field);
    }

    private static IReadOnlyList<WebhookEventChoice> Parse(string json) => WebhookEventList.Parse(JsonSerializer.Deserialize<JsonElement>(json));
}
