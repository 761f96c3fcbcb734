namespace Scheduling.Grains.Storage;

/// <summary>
/// An event waiting in the outbox: written in the same transaction as the state change that raised it, then read by the
/// outbox stream provider's receiver for its <see cref="Queue"/> and delivered at least once to the stream's implicit
/// subscribers.
/// </summary>
public sealed record OutboxMessage
{
    private readonly Func<byte[]>? _serialize;
    private byte[]? _payload;

    public OutboxMessage(Guid eventId, string streamNamespace, string streamKey, int queue, string payloadType, byte[] payload, DateTimeOffset createdAt)
        : this(eventId, streamNamespace, streamKey, queue, payloadType, createdAt, null, null) => _payload = payload;

    private OutboxMessage(Guid eventId, string streamNamespace, string streamKey, int queue, string payloadType, DateTimeOffset createdAt, object? item, Func<byte[]>? serialize)
    {
        Item = item;
        _serialize = serialize;
        EventId = eventId;
        StreamNamespace = streamNamespace;
        StreamKey = streamKey;
        Queue = queue;
        PayloadType = payloadType;
        CreatedAt = createdAt;
    }

    public Guid EventId { get; init; }

    public string StreamNamespace { get; init; }

    public string StreamKey { get; init; }

    /// <summary>The stream queue the message belongs to (<see cref="OutboxQueues"/>): which receiver reads it.</summary>
    public int Queue { get; init; }

    public string PayloadType { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The item as stored (UTF-8 JSON). For a message that carries its <see cref="Item"/>, made on first use: only a
    /// storage that keeps it asks (the memory store never does).
    /// </summary>
    public byte[] Payload => _payload ??= _serialize!();

    /// <summary>
    /// The published object itself, when its type is <see cref="ImmutableAttribute">[Immutable]</see>;
    /// held in memory only, never stored. A message read back from storage has none.
    /// </summary>
    public object? Item { get; }

    /// <summary>A message carrying an [Immutable] item, serialized only when <see cref="Payload"/> is first read.</summary>
    public static OutboxMessage ForItem(Guid eventId, string streamNamespace, string streamKey, int queue, string payloadType, object item, Func<byte[]> serialize, DateTimeOffset createdAt) =>
        new(eventId, streamNamespace, streamKey, queue, payloadType, createdAt, item, serialize);
}

/// <summary>
/// Where a queue's receiver stands: after the row of transaction <see cref="Transaction"/> with sequence
/// <see cref="Sequence"/>. Rows are read in commit order (transaction, then sequence), so a row committed late by a
/// transaction that took a lower sequence is never stepped over. The memory store commits in sequence order (transaction 0).
/// </summary>
public readonly record struct OutboxCursor(long Transaction, long Sequence)
{
    public static OutboxCursor Start => new(long.MinValue, long.MinValue);
}

/// <summary>An outbox row as read by a queue's receiver: its position in the outbox and the message.</summary>
public sealed record OutboxRecord(OutboxCursor Position, OutboxMessage Message)
{
    public long Sequence => Position.Sequence;
}

/// <summary>An event whose delivery kept failing: kept for operators, never silently purged.</summary>
public sealed record DeadLetter(long Sequence, OutboxMessage Message, DateTimeOffset FailedAt, string Reason);

/// <summary>How deep and how old the undelivered part of the outbox is, and how many events were dead-lettered.</summary>
public readonly record struct OutboxStats(long Pending, TimeSpan OldestAge, long DeadLetters);

/// <summary>The durable queue behind the outbox stream provider and the transactional outbox.</summary>
public interface IOutboxStore
{
    /// <summary>Appends messages on their own (a plain stream publish, not tied to a state write), in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Reads up to <paramref name="max"/> committed messages of <paramref name="queue"/> after <paramref name="after"/>,
    /// in commit order. Only the receiver that owns the queue reads it (Orleans balances queues across silos), so no
    /// lease is needed: a receiver that takes the queue over starts again from the beginning (at least once).
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> ReadAsync(int queue, OutboxCursor after, int max, CancellationToken cancellationToken);

    /// <summary>Removes delivered messages: the outbox is a queue of what is still to deliver, not a log.</summary>
    Task CompleteAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a message to the dead letters (kept with the reason, counted, listed for operators). Idempotent: a message
    /// already moved, or already delivered and removed, is left as it is.
    /// </summary>
    Task DeadLetterAsync(long sequence, string reason, DateTimeOffset failedAt, CancellationToken cancellationToken);

    /// <summary>The newest dead letters first.</summary>
    Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken cancellationToken);

    Task<OutboxStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
