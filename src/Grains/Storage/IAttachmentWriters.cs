using Npgsql;

namespace Scheduling.Grains.Storage;

/// <summary>
/// Writes one kind of <see cref="IStateWriteAttachment"/> inside the PostgreSQL transaction of state writes. A group
/// commit hands a writer every attachment of its kind from all the group's writes at once, so it can write them with
/// one multi-row statement per kind of change (<c>unnest</c> of array parameters) instead of one statement each: a
/// statement's fixed cost (executor start-up, opening the table and its indexes, one protocol exchange) then falls
/// once per group instead of once per row.
/// </summary>
public interface IPostgresAttachmentWriter
{
    Type AttachmentType { get; }

    /// <summary>
    /// Adds the commands that write <paramref name="attachments"/> (one write's, or a whole group's, in write order).
    /// They run in the transaction after the state statements and the outbox rows. Any failure fails the transaction:
    /// a group then replays its writes one by one, so an error reaches the write that caused it.
    /// </summary>
    void AddCommands(IReadOnlyList<IStateWriteAttachment> attachments, NpgsqlBatch batch);

    /// <summary>
    /// An update of rows other grains' writes may update too (a client's note, say), or null. It runs after the own
    /// commands of every writer, and only once the storage has locked its rows in id order, table by table in name
    /// order, across the whole transaction: two transactions then never wait on each other's rows in a cycle.
    /// </summary>
    SharedRowUpdate? SharedRowUpdate(IReadOnlyList<IStateWriteAttachment> attachments) => null;
}

/// <summary>
/// A command that updates rows of <see cref="Table"/> (keyed by its bigint column <c>id</c>) that other writes may
/// also update; <see cref="Ids"/> are the rows it may touch (see <see cref="IPostgresAttachmentWriter.SharedRowUpdate"/>).
/// </summary>
public sealed record SharedRowUpdate(string Table, IReadOnlyCollection<long> Ids, NpgsqlBatchCommand Command);

/// <summary>
/// Applies one kind of <see cref="IStateWriteAttachment"/> in the memory provider, under its write lock: like its
/// PostgreSQL counterpart, it gets every attachment of its kind in the write at once, in write order, so it can judge
/// them as the database would judge them in one transaction (each change seeing the ones applied before it).
/// </summary>
public interface IMemoryAttachmentWriter
{
    Type AttachmentType { get; }

    /// <summary>Throws when the attachments would violate a rule the database would enforce; nothing is applied then.</summary>
    void Validate(IReadOnlyList<IStateWriteAttachment> attachments);

    /// <summary>Applies attachments that <see cref="Validate"/> accepted.</summary>
    void Apply(IReadOnlyList<IStateWriteAttachment> attachments);
}

