using Npgsql;

namespace Scheduling.Runtime.Storage;

/// <summary>Writes one kind of <see cref="IStateWriteAttachment"/> inside the PostgreSQL transaction of a state write.</summary>
public interface IPostgresAttachmentWriter
{
    Type AttachmentType { get; }

    /// <summary>Adds the commands that write the attachment; they run in the state write's transaction after the state update.</summary>
    void AddCommands(IStateWriteAttachment attachment, NpgsqlBatch batch);

    /// <summary>
    /// Commands that update rows other grains' writes may update too (a client's note, say). They run after the own
    /// commands of every write in the transaction, ordered by <see cref="SharedRowCommand.Table"/> and
    /// <see cref="SharedRowCommand.Row"/> across the whole group commit, so two transactions lock such rows in one
    /// order and never wait on each other in a cycle.
    /// </summary>
    IEnumerable<SharedRowCommand> SharedRowCommands(IStateWriteAttachment attachment) => [];
}

/// <summary>A command that locks one row another write may also lock (see <see cref="IPostgresAttachmentWriter.SharedRowCommands"/>).</summary>
public readonly record struct SharedRowCommand(string Table, long Row, NpgsqlBatchCommand Command);

/// <summary>Applies one kind of <see cref="IStateWriteAttachment"/> in the memory provider, under its write lock.</summary>
public interface IMemoryAttachmentWriter
{
    Type AttachmentType { get; }

    /// <summary>Throws when the attachment would violate a rule the database would enforce; nothing is applied then.</summary>
    void Validate(IStateWriteAttachment attachment);

    void Apply(IStateWriteAttachment attachment);
}

/// <summary>
/// Told about state changes committed by other silos (PostgreSQL NOTIFY), so a stale local activation is
/// dropped and the next call reloads.
/// </summary>
public interface IGrainChangeSink
{
    void OnStateChanged(GrainStateKey key, long version);

    /// <summary>Notifications may have been lost (listener reconnected): drop every idle activation.</summary>
    void OnNotificationsMissed();
}
