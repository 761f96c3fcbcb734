namespace Scheduling.Grains.Storage;

/// <summary>One named state of one grain: the primary key of a grain state record.</summary>
public readonly record struct GrainStateKey(GrainId GrainId, string StateName)
{
    public override string ToString() => $"{GrainId}#{StateName}";
}

/// <summary>A grain state record as stored: UTF-8 JSON payload (null once cleared) and its version.</summary>
public sealed record StoredState(byte[]? Payload, long Version)
{
    public bool RecordExists => Payload is not null;
}

/// <summary>
/// Marker for domain rows that must be written in the same transaction as a grain's state
/// (for example appointment rows beside the calendar's version bump). Each provider finds a writer for
/// the attachment's type among its registered attachment writers.
/// </summary>
public interface IStateWriteAttachment
{
}

/// <summary>
/// One conditional write: the state (or null to clear it, leaving a tombstone that keeps the version
/// counting), the events raised during the turn, and domain rows. All of it commits together or not at all.
/// </summary>
public sealed record GrainStateWrite(
    GrainStateKey Key,
    long ExpectedVersion,
    byte[]? Payload,
    IReadOnlyList<OutboxMessage> Outbox,
    IReadOnlyList<IStateWriteAttachment> Attachments)
{
    /// <summary>
    /// The stored payload stays as it is (<see cref="Payload"/> is ignored): only the version moves, with the events
    /// and attachments. For a record that exists (<see cref="ExpectedVersion"/> above 0).
    /// </summary>
    public bool KeepPayload { get; init; }
}

/// <summary>
/// The store behind the <c>outbox</c> grain storage provider (<see cref="OutboxStorageNames.Outbox"/>): grain state
/// records whose writes carry the turn's events and domain rows in one transaction. Versions start at 1 for the first
/// write; 0 means "no record".
/// </summary>
public interface IStateStore
{
    string ProviderName { get; }

    Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the write when the stored version equals <see cref="GrainStateWrite.ExpectedVersion"/>
    /// (0 = no record may exist) and returns the new version. Throws <see cref="Orleans.Storage.InconsistentStateException"/>
    /// when it does not; nothing of the write is then applied.
    /// </summary>
    Task<long> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken);
}

/// <summary>Answers /health/ready: is the storage reachable.</summary>
public interface IStorageHealth
{
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}

/// <summary>The one readiness probe: storage reachable within a bounded time (health endpoints of every host).</summary>
public static class StorageHealthProbe
{
    public static async Task<bool> IsReadyAsync(this IStorageHealth storage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            return await storage.IsReachableAsync(bounded.Token);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
