using Scheduling.Contracts.Webhooks;

namespace Scheduling.Grains.Tests.Webhooks;

public sealed class WebhookSubscriptionTests
{
    [Fact]
    public void AnActiveEventEntryIsWanted()
    {
        var subscription = Subscription(active: true, (WebhookEvents.Created, true));

        Assert.True(subscription.Wants(WebhookEvents.Created));
        Assert.False(subscription.Wants(WebhookEvents.Canceled));
    }

    [Fact]
    public void TheWildcardCoversEveryEventIncludingOnesAddedLater()
    {
        var subscription = Subscription(active: true, (WebhookEvents.All, true));

        Assert.All(WebhookEvents.Known, name => Assert.True(subscription.Wants(name)));
        Assert.True(subscription.Wants("appointment.some_future_event"));
    }

    [Fact]
    public void AnInactiveEntryMutesItsEventUnderTheWildcard()
    {
        var subscription = Subscription(active: true, (WebhookEvents.All, true), (WebhookEvents.Reminder, false));

        Assert.False(subscription.Wants(WebhookEvents.Reminder));
        Assert.True(subscription.Wants(WebhookEvents.Created));
    }

    [Fact]
    public void AnInactiveWildcardWantsNothingItDoesNotNameItself()
    {
        var subscription = Subscription(active: true, (WebhookEvents.All, false), (WebhookEvents.Created, true));

        Assert.True(subscription.Wants(WebhookEvents.Created));
        Assert.False(subscription.Wants(WebhookEvents.Updated));
    }

    [Fact]
    public void AnInactiveSubscriptionWantsNothing()
    {
        var subscription = Subscription(active: false, (WebhookEvents.All, true), (WebhookEvents.Created, true));

        Assert.False(subscription.Wants(WebhookEvents.Created));
    }

    private static WebhookSubscription Subscription(bool active, params (string Event, bool Active)[] events) =>
        new(1, 1, "https://example.com/in", [.. events.Select((e, i) => new WebhookEventSubscription(i + 10, e.Event, e.Active, DateTimeOffset.UnixEpoch))],
            active, "whsec_x", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
}
