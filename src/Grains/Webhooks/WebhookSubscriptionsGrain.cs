using System.Collections.Immutable;
using System.Security.Cryptography;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Webhooks;
using Orleans.Core;
using Scheduling.Grains.Snapshots;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Webhooks;

/// <summary>
/// One company's webhook subscriptions. A grain of its own rather than part of the account grain: the event
/// dispatcher reads it for every appointment event, and a subscription's secret stays out of the account's
/// state. Target URLs are checked here, the single writer, so no caller can store one the guard refuses. Its list is
/// kept in the silo's <see cref="LocalSnapshots"/>, where the fan-out reads it for each event without a call.
/// </summary>
public sealed class WebhookSubscriptionsGrain(
    [PersistentState("webhooks")] IPersistentState<WebhookSubscriptionsState> state,
    IIdGenerator ids,
    TimeProvider time,
    WebhookTargetGuard guard) : SnapshotGrain<ImmutableArray<WebhookSubscription>>, IWebhookSubscriptionsGrain
{
    /// <summary>Each subscription costs a delivery per event; this bounds the fan-out of one company.</summary>
    public const int MaxSubscriptions = 50;

    private const string KeyPrefix = "whsec_";

    private List<WebhookSubscription> Subscriptions => state.State.Subscriptions;

    public Task<ImmutableArray<WebhookSubscription>> ListAsync() => Task.FromResult(CurrentSnapshot());

    protected override IStorage SnapshotState => state;

    protected override ImmutableArray<WebhookSubscription> CurrentSnapshot() => [.. Subscriptions];

    public Task<WebhookSubscription?> GetAsync(long id) => Task.FromResult(Subscriptions.Find(s => s.Id == id));

    public async Task<WebhookSubscription> CreateAsync(WebhookSubscriptionChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (Subscriptions.Count >= MaxSubscriptions)
        {
            throw new LimitReachedException($"a company has at most {MaxSubscriptions} webhooks");
        }

        var target = change.TargetUrl ?? throw new FieldValidationException("target_url", "is required");
        if (change.Events is not { IsDefaultOrEmpty: false } choices)
        {
            throw new FieldValidationException("events", $"at least one event is required: {string.Join(", ", WebhookEvents.Known)} or \"*\" for all");
        }

        var url = (await guard.CheckAsync(target)).OriginalString;
        var now = time.GetUtcNow();
        var subscription = new WebhookSubscription(
            await ids.NextIdAsync(),
            this.GetPrimaryKeyLong(),
            url,
            await EventsAsync([], choices, now),
            change.Active ?? true,
            KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            now,
            now);
        Subscriptions.Add(subscription);
        await state.WriteStateAsync();
        return subscription;
    }

    public async Task<WebhookSubscription> UpdateAsync(long id, WebhookSubscriptionChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var existing = Subscriptions.Find(s => s.Id == id) ?? throw NotFound(id);
        if (change.Events is { IsEmpty: true })
        {
            throw new FieldValidationException("events", "at least one event is required; set active to 0 to pause the webhook");
        }

        var url = change.TargetUrl is { } target ? (await guard.CheckAsync(target)).OriginalString : existing.TargetUrl;
        var now = time.GetUtcNow();
        var updated = existing with
        {
            TargetUrl = url,
            Events = change.Events is { } choices ? await EventsAsync(existing.Events, choices, now) : existing.Events,
            Active = change.Active ?? existing.Active,
            UpdatedAt = now,
        };

        // Awaits are behind us: the list changes only now, right before the write.
        Subscriptions[Subscriptions.FindIndex(s => s.Id == id)] = updated;
        await state.WriteStateAsync();
        return updated;
    }

    public async Task DeleteAsync(long id)
    {
        if (Subscriptions.RemoveAll(s => s.Id == id) == 0)
        {
            throw NotFound(id);
        }

        await state.WriteStateAsync();
    }

    // The chosen events replace the list; an event already subscribed keeps its id and creation time.
    private async Task<ImmutableArray<WebhookEventSubscription>> EventsAsync(
        ImmutableArray<WebhookEventSubscription> existing, ImmutableArray<WebhookEventChoice> choices, DateTimeOffset now)
    {
        var events = ImmutableArray.CreateBuilder<WebhookEventSubscription>(choices.Length);
        foreach (var choice in choices)
        {
            var name = WebhookEvents.Canonical(choice.Event)
                ?? throw new FieldValidationException("events", $"unknown event '{choice.Event}'");
            events.Add(existing.FirstOrDefault(e => e.Event == name) is { } kept
                ? kept with { Active = choice.Active }
                : new WebhookEventSubscription(await ids.NextIdAsync(), name, choice.Active, now));
        }

        return events.MoveToImmutable();
    }

    private static NotFoundException NotFound(long id) => new($"webhook {id} not found");
}
