using Scheduling.Contracts.Idempotency;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Idempotency;

/// <summary>What an idempotency key remembers: the request it was first used for, and its response once there is one.</summary>
public sealed class IdempotencyState
{
    public string Fingerprint { get; set; } = string.Empty;

    /// <summary>While no response is stored: until when the first request holds the key.</summary>
    public DateTimeOffset LeaseUntil { get; set; }

    public IdempotentResponse? Response { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>
/// One idempotency key (SPEC §8). A conditional state write makes the claim unique across silos; a reminder clears
/// the key once its 24 hours are over, so keys do not pile up.
/// </summary>
public sealed class IdempotencyGrain(
    [PersistentState("idempotency", OutboxStorageNames.Outbox)] IPersistentState<IdempotencyState> key,
    GrainOutbox outbox,
    TimeProvider time)
    : Grain, IIdempotencyGrain, IRemindable, IIncomingGrainCallFilter
{
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => outbox.EndTurnAsync(context);

    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private const string ExpiryReminder = "expire";

    public async Task<IdempotencyClaim> ClaimAsync(string fingerprint, TimeSpan lease)
    {
        var now = time.GetUtcNow();
        var state = key.State;
        if (key.RecordExists && !IsOver(state, now))
        {
            if (state.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(IdempotencyOutcome.Mismatch, null);
            }

            return state.Response is { } response
                ? new IdempotencyClaim(IdempotencyOutcome.Replay, response)
                : new IdempotencyClaim(IdempotencyOutcome.InFlight, null);
        }

        key.State = new IdempotencyState { Fingerprint = fingerprint, LeaseUntil = now + lease };
        await key.WriteStateAsync();
        return new IdempotencyClaim(IdempotencyOutcome.Proceed, null);
    }

    public async Task CompleteAsync(string fingerprint, IdempotentResponse response)
    {
        if (!key.RecordExists || key.State.Fingerprint != fingerprint || key.State.Response is not null)
        {
            return;
        }

        var now = time.GetUtcNow();
        key.State.Response = response;
        key.State.CompletedAt = now;
        outbox.RegisterReminder(ExpiryReminder, now + Retention);
        await key.WriteStateAsync();
    }

    public async Task ReleaseAsync(string fingerprint)
    {
        if (key.RecordExists && key.State.Fingerprint == fingerprint && key.State.Response is null)
        {
            await key.ClearStateAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (key.RecordExists && IsOver(key.State, time.GetUtcNow()))
        {
            await key.ClearStateAsync();
        }
    }

    // A response is kept for 24 hours; a claim without one only while its lease holds (its request died with a silo).
    private static bool IsOver(IdempotencyState state, DateTimeOffset now) =>
        state.CompletedAt is { } completed ? now >= completed + Retention : now >= state.LeaseUntil;
}
