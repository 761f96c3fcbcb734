using System.Collections.Immutable;
using Orleans;

namespace Scheduling.Grains.Webhooks;

/// <summary>Where a delivery stands.</summary>
public static class WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt (the first, a retry, or a redelivery).</summary>
    public const string Pending = "pending";

    /// <summary>The receiver answered 2xx.</summary>
    public const string Delivered = "delivered";

    /// <summary>Retries are used up, or the receiver answered 410 Gone.</summary>
    public const string Failed = "failed";

    /// <summary>Not sent: the webhook was deleted or switched off before the attempt.</summary>
    public const string Canceled = "canceled";
}

/// <summary>
/// One event on its way to one subscription (SPEC §9). <see cref="Body"/> is built once when the event is
/// recorded, so every attempt sends the same bytes under the same <c>webhook-id</c> (<see cref="EventId"/>).
/// The target URL and the signing key are read from the subscription at send time, so the table holds no secret.
/// </summary>
[Immutable]
public sealed record WebhookDelivery(
    long Id,
    long CompanyId,
    long SubscriptionId,
    Guid EventId,
    string EventType,
    string Body,
    DateTimeOffset EventCreatedAt,
    string Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt = null,
    int? LastStatusCode = null,
    string? LastError = null)
{
    public static WebhookDelivery New(long id, long companyId, long subscriptionId, Guid eventId, string eventType, string body, DateTimeOffset eventCreatedAt, DateTimeOffset now) =>
        new(id, companyId, subscriptionId, eventId, eventType, body, eventCreatedAt, WebhookDeliveryStatus.Pending, 0, now, now);
}

/// <summary>One HTTP attempt of a delivery: what the receiver answered (or why there was no answer) and how long it took.</summary>
[Immutable]
public sealed record WebhookAttempt(long DeliveryId, int Number, DateTimeOffset At, int? StatusCode, int LatencyMs, string? Error, string? ResponseExcerpt);

/// <summary>What an attempt (or a decision not to send) leaves on its delivery.</summary>
[Immutable]
public sealed record WebhookDeliveryUpdate(string Status, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, int? StatusCode, string? Error);

/// <summary>A delivery with its attempts, oldest attempt first, for the deliveries API.</summary>
[Immutable]
public sealed record WebhookDeliveryRecord(WebhookDelivery Delivery, ImmutableArray<WebhookAttempt> Attempts);

/// <summary>How many deliveries wait, and since when the oldest waits.</summary>
public readonly record struct WebhookDeliveryStats(long Pending, TimeSpan OldestAge);
