namespace Scheduling.Runtime.Storage;

/// <summary>
/// An event waiting in the outbox: written in the same transaction as the state change that raised it
/// (or on its own for a plain stream publish), delivered at least once to the stream's subscribers.
/// </summary>
public sealed record OutboxMessage
{
    private readonly Func<byte[]>? _serialize;
    private byte[]? _payload;

    public OutboxMessage(Guid eventId, string streamNamespace, string streamKey, string payloadType, byte[] payload, DateTimeOffset createdAt)
        : this(eventId, streamNamespace, streamKey, payloadType, createdAt, null, null) => _payload = payload;

    private OutboxMessage(Guid eventId, string streamNamespace, string streamKey, string payloadType, DateTimeOffset createdAt, object? item, Func<byte[]>? serialize)
    {
        Item = item;
        _serialize = serialize;
        EventId = eventId;
        StreamNamespace = streamNamespace;
        StreamKey = streamKey;
        PayloadType = payloadType;
        CreatedAt = createdAt;
    }

    public Guid EventId { get; init; }

    public string StreamNamespace { get; init; }

    public string StreamKey { get; init; }

    public string PayloadType { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The item as stored (UTF-8 JSON). For a message that carries its <see cref="Item"/>, made on first use: only a
    /// storage that keeps it asks (the memory provider never does, delivery in the publishing process hands the item on).
    /// </summary>
    public byte[] Payload => _payload ??= _serialize!();

    /// <summary>
    /// The published object itself, when its type is <see cref="Orleans.ImmutableAttribute">[Immutable]</see>; held in memory
    /// only, never stored. Delivery in the publishing process hands it on instead of parsing <see cref="Payload"/> again
    /// (values crossing grains are shared, not copied, in this runtime); a message read back from storage has none.
    /// </summary>
    public object? Item { get; }

    /// <summary>A message carrying an [Immutable] item, serialized only when <see cref="Payload"/> is first read.</summary>
    public static OutboxMessage ForItem(Guid eventId, string streamNamespace, string streamKey, string payloadType, object item, Func<byte[]> serialize, DateTimeOffset createdAt) =>
        new(eventId, streamNamespace, streamKey, payloadType, createdAt, item, serialize);
}

/// <summary>An outbox row claimed for delivery under a lease.</summary>
public sealed record OutboxRecord(long Sequence, OutboxMessage Message, int Attempts);

/// <summary>
/// A lease rows are written with ("born leased"): the silo that commits them delivers them itself, from memory, and no
/// other claimer takes them before <see cref="Until"/> (after which any silo may, as for a lapsed claim).
/// </summary>
public sealed record OutboxLease(string Owner, DateTimeOffset Until);

/// <summary>How deep and how old the undelivered part of the outbox is.</summary>
public readonly record struct OutboxStats(long Pending, TimeSpan OldestAge);

/// <summary>The durable queue behind streams and the transactional outbox.</summary>
public interface IOutboxStore
{
    /// <summary>
    /// Appends messages on their own (a plain stream publish, not tied to a state write); with a
    /// <paramref name="lease"/> they are born leased to its owner (one delivery attempt under way).
    /// </summary>
    Task AppendAsync(IReadOnlyList<OutboxMessage> messages, OutboxLease? lease, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> undelivered messages whose next attempt is due and whose lease
    /// is free or expired, in sequence order, leasing them to <paramref name="owner"/> until now + lease.
    /// Concurrent claimers never receive the same message while its lease holds.
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> ClaimAsync(string owner, int max, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Removes delivered messages, by event id: the outbox is a queue of what is still to deliver, not a log (the
    /// appointments and the webhook delivery log are the records).
    /// </summary>
    Task CompleteAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken);

    /// <summary>Gives leased messages back for another attempt at <paramref name="retryAt"/>, recording the error.</summary>
    Task ReleaseAsync(IReadOnlyList<Guid> eventIds, DateTimeOffset retryAt, string? error, CancellationToken cancellationToken);

    Task<OutboxStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken);
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
