using System.Collections.Immutable;
using Orleans;

namespace Scheduling.Contracts.Webhooks;

/// <summary>
/// A company's webhook: where to POST which events, and the secret that signs them (SPEC §9). Its
/// <see cref="VerificationKey"/> is <c>whsec_</c> + base64 of 32 random bytes, one per subscription.
/// </summary>
[GenerateSerializer]
[Alias("scheduling.webhook-subscription")]
[Immutable]
public sealed record WebhookSubscription(
    [Id(0)] long Id,
    [Id(1)] long CompanyId,
    [Id(2)] string TargetUrl,
    [Id(3)] ImmutableArray<WebhookEventSubscription> Events,
    [Id(4)] bool Active,
    [Id(5)] string VerificationKey,
    [Id(6)] DateTimeOffset CreatedAt,
    [Id(7)] DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// Whether this subscription receives <paramref name="eventName"/>: it is active, and the event's own entry
    /// is active, or it has no entry of its own and an active "*" entry covers it. An inactive entry of its own
    /// therefore mutes one event under "*".
    /// </summary>
    public bool Wants(string eventName)
    {
        if (!Active)
        {
            return false;
        }

        var wildcard = false;
        foreach (var entry in Events)
        {
            if (string.Equals(entry.Event, eventName, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Active;
            }

            wildcard |= entry.Event == WebhookEvents.All && entry.Active;
        }

        return wildcard;
    }
}

/// <summary>One event of a subscription, with its own on/off switch.</summary>
[GenerateSerializer]
[Alias("scheduling.webhook-event-subscription")]
[Immutable]
public sealed record WebhookEventSubscription([Id(0)] long Id, [Id(1)] string Event, [Id(2)] bool Active, [Id(3)] DateTimeOffset CreatedAt);

/// <summary>An event as a client asks for it: a name (or "*"), on or off.</summary>
[GenerateSerializer]
[Alias("scheduling.webhook-event-choice")]
[Immutable]
public sealed record WebhookEventChoice([Id(0)] string Event, [Id(1)] bool Active);

/// <summary>What a create or modify sets; a null member is left as it is (or, on create, is required or defaulted).</summary>
[GenerateSerializer]
[Alias("scheduling.webhook-subscription-change")]
[Immutable]
public sealed record WebhookSubscriptionChange([Id(0)] string? TargetUrl, [Id(1)] ImmutableArray<WebhookEventChoice>? Events, [Id(2)] bool? Active);
