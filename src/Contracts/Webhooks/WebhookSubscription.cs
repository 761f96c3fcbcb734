using System.Collections.Immutable;

namespace Scheduling.Contracts.Webhooks;

/// <summary>
/// A company's webhook: where to POST which events, and the secret that signs them (SPEC §9). Its
/// <see cref="VerificationKey"/> is <c>whsec_</c> + base64 of 32 random bytes, one per subscription.
/// </summary>
[Immutable]
public sealed record WebhookSubscription(
    long Id,
    long CompanyId,
    string TargetUrl,
    ImmutableArray<WebhookEventSubscription> Events,
    bool Active,
    string VerificationKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
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
[Immutable]
public sealed record WebhookEventSubscription(long Id, string Event, bool Active, DateTimeOffset CreatedAt);

/// <summary>An event as a client asks for it: a name (or "*"), on or off.</summary>
[Immutable]
public sealed record WebhookEventChoice(string Event, bool Active);

/// <summary>What a create or modify sets; a null member is left as it is (or, on create, is required or defaulted).</summary>
[Immutable]
public sealed record WebhookSubscriptionChange(string? TargetUrl, ImmutableArray<WebhookEventChoice>? Events, bool? Active);
