namespace Scheduling.Runtime.Storage;

/// <summary>
/// An event waiting in the outbox: written in the same transaction as the state change that raised it
/// (or on its own for a plain stream publish), delivered at least once to the stream's subscribers.
/// </summary>
public sealed record OutboxMessage(
    Guid EventId,
    string StreamNamespace,
    string StreamKey,
    string PayloadType,
    byte[] Payload,
    DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The published object itself, when its type is <see cref="ImmutableAttribute">[Immutable]</see>; held in memory
    /// only, never stored. Delivery in the publishing process hands it on instead of parsing <see cref="Payload"/> again
    /// (values crossing grains are shared, not copied, in this runtime); a message read back from storage has none.
    /// </summary>
    public object? Item { get; init; }
}

/// <summary>An outbox row claimed for delivery under a lease.</summary>
public sealed record OutboxRecord(long Sequence, OutboxMessage Message, int Attempts);

/// <summary>How deep and how old the undelivered part of the outbox is.</summary>
public readonly record struct OutboxStats(long Pending, TimeSpan OldestAge);

/// <summary>The durable queue behind streams and the transactional outbox.</summary>
public interface IOutboxStore
{
    /// <summary>Appends messages on their own (a plain stream publish, not tied to a state write).</summary>
    Task AppendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> undelivered messages whose next attempt is due and whose lease
    /// is free or expired, in sequence order, leasing them to <paramref name="owner"/> until now + lease.
    /// Concurrent claimers never receive the same message while its lease holds.
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> ClaimAsync(string owner, int max, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks claimed messages delivered.</summary>
    Task CompleteAsync(IReadOnlyList<long> sequences, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives a claimed message back for another attempt at <paramref name="retryAt"/>, recording the error.</summary>
    Task ReleaseAsync(long sequence, DateTimeOffset retryAt, string? error, CancellationToken cancellationToken);

    Task<OutboxStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets up to <paramref name="max"/> messages delivered before <paramref name="deliveredBefore"/> (oldest
    /// first), so the outbox holds what is pending plus a retention window kept for audit and de-duplication;
    /// returns how many it forgot. Undelivered messages are never touched.
    /// </summary>
    Task<int> PurgeDeliveredAsync(DateTimeOffset deliveredBefore, int max, CancellationToken cancellationToken);
}

/// <summary>
/// Wakes the local stream pump when new outbox messages were committed (locally, or on another silo
/// through PostgreSQL NOTIFY), so delivery does not wait for the next poll.
/// </summary>
public interface IOutboxSignal
{
    void Signal();

    ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
