using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Scheduling.Grains.Storage.Postgres;

/// <summary>
/// Grain state in table grain_state. A write is the conditional state statement, the turn's outbox rows,
/// the domain rows of its attachments, committed together.
/// Writes are group-committed: they queue while earlier groups are in flight, and a group of many grains'
/// writes goes out as one batch in one transaction (two round trips for the lot), each kind of change one multi-row
/// statement for the whole group (the state versions, the outbox rows, each attachment writer's rows). When any write of a group
/// misses its version or fails, the group rolls back and each write is replayed alone, so a bad write fails
/// by itself with its own error and the others commit. Reads are grouped the same way: the reads that queue while
/// a lookup is in flight (activations the stream provider starts side by side) go out as one query.
/// </summary>
public sealed class PostgresGrainStorage : IStateStore, IStorageHealth, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStorageOptions _options;
    private readonly Dictionary<Type, IPostgresAttachmentWriter> _attachmentWriters = [];
    private readonly CallGroups<PendingWrite, long> _writes;
    private readonly CallGroups<GrainStateKey, StoredState?> _reads;

    // Most reads one grouped lookup takes.
    private const int MaxReadsPerGroup = 256;

    public PostgresGrainStorage(NpgsqlDataSource dataSource, PostgresStorageOptions options, IEnumerable<IPostgresAttachmentWriter> attachmentWriters)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(attachmentWriters);
        _dataSource = dataSource;
        _options = options;
        foreach (var writer in attachmentWriters)
        {
            if (!_attachmentWriters.TryAdd(writer.AttachmentType, writer))
            {
                throw new InvalidOperationException(
                    $"Two PostgreSQL attachment writers handle {writer.AttachmentType}: {_attachmentWriters[writer.AttachmentType].GetType()} and {writer.GetType()}.");
            }
        }

        _writes = new CallGroups<PendingWrite, long>(CommitGroupAsync, options.GroupCommitWriters, options.GroupCommitMaxWrites);
        _reads = new CallGroups<GrainStateKey, StoredState?>(ReadGroupAsync, options.GroupReadReaders, MaxReadsPerGroup);
    }

    public string ProviderName => "postgresql";

    public Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken) =>
        _reads.CallAsync(key).WaitAsync(cancellationToken);

    // The reads that queued meanwhile, looked up in one query.
    private async Task ReadGroupAsync(IReadOnlyList<GroupedCall<GrainStateKey, StoredState?>> group)
    {
        var found = new StoredState?[group.Count];
        await using (var batch = _dataSource.CreateBatch())
        {
            batch.BatchCommands.Add(KeyLookupPlans.Settings());
            var read = new NpgsqlBatchCommand(
                """
                SELECT g.i, s.payload, s.version
                FROM unnest(@types, @keys, @states) WITH ORDINALITY AS g(grain_type, grain_key, state_name, i)
                JOIN grain_state s USING (grain_type, grain_key, state_name)
                """);
            read.Parameters.AddWithValue("types", group.Select(c => c.Request.GrainId.Type.ToString()).ToArray());
            read.Parameters.AddWithValue("keys", group.Select(c => c.Request.GrainId.Key.ToString()).ToArray());
            read.Parameters.AddWithValue("states", group.Select(c => c.Request.StateName).ToArray());
            batch.BatchCommands.Add(read);
            await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var payload = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
                found[reader.GetInt64(0) - 1] = new StoredState(payload, reader.GetInt64(2));
            }
        }

        for (var i = 0; i < group.Count; i++)
        {
            group[i].Completion.TrySetResult(found[i]);
        }
    }

    public Task<long> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentOutOfRangeException.ThrowIfNegative(write.ExpectedVersion);
        if (write.KeepPayload && write.ExpectedVersion == 0)
        {
            throw new ArgumentException("A write that keeps the stored payload needs a stored record (expected version above 0).", nameof(write));
        }

        // Resolved before queueing so a missing writer fails the write without touching the database.
        return _writes.CallAsync(new PendingWrite(write, ResolveWriters(write)));
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync().ConfigureAwait(false);
        await _reads.DisposeAsync().ConfigureAwait(false);
    }

    // Queued writes and reads still finish: the workers drain their queues before they end.
    public void Dispose()
    {
        _writes.Dispose();
        _reads.Dispose();
    }

    // The writes that queued meanwhile, in one transaction; alone, or replaying a group that could not commit whole:
    // one transaction per write.
    private async Task CommitGroupAsync(IReadOnlyList<GroupedCall<PendingWrite, long>> group)
    {
        if (group.Count == 1 || !await TryCommitGroupAsync(group).ConfigureAwait(false))
        {
            await Task.WhenAll(group.Select(WriteAloneAsync)).ConfigureAwait(false);
        }
    }

    private async Task WriteAloneAsync(GroupedCall<PendingWrite, long> call)
    {
        try
        {
            call.Completion.TrySetResult(await WriteSingleAsync(call.Request.Write, call.Request.Writers, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            call.Completion.TrySetException(ex);
        }
    }

    // True when every write of the group committed; false (nothing committed) when any missed or failed.
    private async Task<bool> TryCommitGroupAsync(IReadOnlyList<GroupedCall<PendingWrite, long>> group)
    {
        // Two writes of one state in a group cannot both hold: let the replay sort them out one by one.
        if (group.Select(c => c.Request.Write.Key).Distinct().Count() != group.Count)
        {
            return false;
        }

        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            var stateStatements = AddWriteCommands(batch, [.. group.Select(c => c.Request)]);

            await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            if (stateStatements.Any(s => s.Command.RecordsAffected != s.Writes))
            {
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                return false;
            }

            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PostgresException or NpgsqlException)
        {
            return false;
        }

        foreach (var call in group)
        {
            call.Completion.TrySetResult(call.Request.Write.ExpectedVersion + 1);
        }

        return true;
    }

    private IPostgresAttachmentWriter[] ResolveWriters(GrainStateWrite write)
    {
        var writers = new IPostgresAttachmentWriter[write.Attachments.Count];
        for (var i = 0; i < writers.Length; i++)
        {
            var attachmentType = write.Attachments[i].GetType();
            writers[i] = attachmentType == typeof(ReminderChange) ? PostgresReminderTable.ChangeWriter : _attachmentWriters.GetValueOrDefault(attachmentType)
                ?? throw new InvalidOperationException(
                    $"No {nameof(IPostgresAttachmentWriter)} is registered for attachment type {attachmentType}; register one in the service collection.");
        }

        return writers;
    }

    // The commands of writes that commit together (one alone, or a group): the state statements, the outbox rows, the
    // attachments kind by kind, then the updates of shared rows. Each kind of change is one multi-row statement for all
    // the writes. Returns the state statements with the number of rows each must write: fewer means a version missed.
    private static List<StateStatement> AddWriteCommands(NpgsqlBatch batch, IReadOnlyList<PendingWrite> writes)
    {
        // Every write statement finds its rows by key.
        batch.BatchCommands.Add(KeyLookupPlans.Settings());
        var stateStatements = AddStateCommands(batch, [.. writes.Select(w => w.Write)]);
        var outbox = writes.SelectMany(w => w.Write.Outbox).ToList();
        if (outbox.Count > 0)
        {
            batch.BatchCommands.Add(PostgresOutboxStore.CreateInsertCommand(outbox));
        }

        // Attachments by writer, writers in order of first use, each writer's attachments in write order.
        var byWriter = new List<(IPostgresAttachmentWriter Writer, List<IStateWriteAttachment> Attachments)>();
        foreach (var write in writes)
        {
            for (var i = 0; i < write.Writers.Length; i++)
            {
                var index = byWriter.FindIndex(w => w.Writer == write.Writers[i]);
                if (index < 0)
                {
                    byWriter.Add((write.Writers[i], []));
                    index = byWriter.Count - 1;
                }

                byWriter[index].Attachments.Add(write.Write.Attachments[i]);
            }
        }

        var shared = new List<SharedRowUpdate>();
        foreach (var (writer, attachments) in byWriter)
        {
            writer.AddCommands(attachments, batch);
            if (writer.SharedRowUpdate(attachments) is { } update)
            {
                shared.Add(update);
            }
        }

        AddSharedRowUpdates(batch, shared);
        return stateStatements;
    }

    // Rows other transactions may update too: locked table by table (in name order), each table's rows in id order,
    // before the updates run, so concurrent transactions take these locks in one order and never wait in a cycle.
    private static void AddSharedRowUpdates(NpgsqlBatch batch, List<SharedRowUpdate> shared)
    {
        foreach (var table in shared.GroupBy(u => u.Table, StringComparer.Ordinal).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var lockRows = new NpgsqlBatchCommand($"SELECT FROM {table.Key} WHERE id = ANY(@ids) ORDER BY id FOR UPDATE");
            lockRows.Parameters.AddWithValue("ids", table.SelectMany(u => u.Ids).Distinct().ToArray());
            batch.BatchCommands.Add(lockRows);
            foreach (var update in table)
            {
                batch.BatchCommands.Add(update.Command);
            }
        }
    }

    private async Task<long> WriteSingleAsync(GrainStateWrite write, IPostgresAttachmentWriter[] writers, CancellationToken cancellationToken)
    {
        var newVersion = checked(write.ExpectedVersion + 1);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var stateCommand = AddWriteCommands(batch, [new PendingWrite(write, writers)])[0].Command;

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (stateCommand.RecordsAffected == 0)
        {
            // RecordsAffected stays -1 unless the state statement completed, so 0 means it ran and missed.
            // Whatever failed after it (a duplicate event, a domain constraint) was computed from stale state:
            // the caller must see the conflict and reload, not the symptom.
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw await ConflictAsync(connection, write, ex, cancellationToken).ConfigureAwait(false);
        }

        if (stateCommand.RecordsAffected != 1)
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw await ConflictAsync(connection, write, null, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return newVersion;
    }

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            command.CommandTimeout = 5;
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // One statement per kind of state write: a first write (insert), a write of a new payload, a version-only write.
    private static List<StateStatement> AddStateCommands(NpgsqlBatch batch, IReadOnlyList<GrainStateWrite> writes)
    {
        var statements = new List<StateStatement>(1);
        foreach (var kind in writes.GroupBy(w => w.ExpectedVersion == 0 ? 0 : w.KeepPayload ? 1 : 2).OrderBy(k => k.Key))
        {
            var command = new NpgsqlBatchCommand(kind.Key switch
            {
                0 => """
                     INSERT INTO grain_state (grain_type, grain_key, state_name, version, payload, updated_at)
                     SELECT w.grain_type, w.grain_key, w.state_name, 1, w.payload, now()
                     FROM unnest(@types, @keys, @states, @payloads) AS w(grain_type, grain_key, state_name, payload)
                     ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
                     """,

                // Only the version moves: no payload to send, parse and store again. updated_at stays the payload's
                // time, so the new row version differs from the old only in the version: PostgreSQL then logs those
                // few bytes, not the row (about 1.2 KB of WAL per booking for a calendar's payload).
                1 => """
                     UPDATE grain_state AS s SET version = w.expected + 1
                     FROM unnest(@types, @keys, @states, @expected) AS w(grain_type, grain_key, state_name, expected)
                     WHERE s.grain_type = w.grain_type AND s.grain_key = w.grain_key AND s.state_name = w.state_name
                       AND s.version = w.expected
                     """,
                _ => """
                     UPDATE grain_state AS s SET version = w.expected + 1, payload = w.payload, updated_at = now()
                     FROM unnest(@types, @keys, @states, @expected, @payloads) AS w(grain_type, grain_key, state_name, expected, payload)
                     WHERE s.grain_type = w.grain_type AND s.grain_key = w.grain_key AND s.state_name = w.state_name
                       AND s.version = w.expected
                     """,
            });
            var rows = kind.ToList();
            command.Parameters.AddWithValue("types", rows.Select(w => w.Key.GrainId.Type.ToString()).ToArray());
            command.Parameters.AddWithValue("keys", rows.Select(w => w.Key.GrainId.Key.ToString()).ToArray());
            command.Parameters.AddWithValue("states", rows.Select(w => w.Key.StateName).ToArray());
            if (kind.Key != 0)
            {
                command.Parameters.AddWithValue("expected", rows.Select(w => w.ExpectedVersion).ToArray());
            }

            if (kind.Key != 1)
            {
                command.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
                {
                    Value = rows.Select(w => w.Payload).ToArray(),
                });
            }

            batch.BatchCommands.Add(command);
            statements.Add(new StateStatement(command, rows.Count));
        }

        return statements;
    }

    private static async Task<Orleans.Storage.InconsistentStateException> ConflictAsync(
        NpgsqlConnection connection, GrainStateWrite write, PostgresException? cause, CancellationToken cancellationToken)
    {
        // One primary-key lookup after the rollback, so the log tells what the activation raced against.
        long? stored;
        await using (var command = new NpgsqlCommand(
            "SELECT version FROM grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = @state", connection))
        {
            AddKey(command.Parameters, write.Key);
            stored = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : null;
        }

        var storedText = stored?.ToString(CultureInfo.InvariantCulture);
        var expectedText = write.ExpectedVersion.ToString(CultureInfo.InvariantCulture);
        var message = $"Version conflict writing {write.Key}: expected version {expectedText}, stored version {storedText ?? "none"}."
            + (cause is null ? string.Empty : $" A later statement of the write also failed: {cause.MessageText}");
        return new Orleans.Storage.InconsistentStateException(message, storedText, expectedText);
    }

    private sealed record PendingWrite(GrainStateWrite Write, IPostgresAttachmentWriter[] Writers);

    // A state statement and how many rows it writes when every version holds.
    private sealed record StateStatement(NpgsqlBatchCommand Command, int Writes);

    private static void AddKey(NpgsqlParameterCollection parameters, GrainStateKey key)
    {
        parameters.AddWithValue("type", key.GrainId.Type.ToString());
        parameters.AddWithValue("key", key.GrainId.Key.ToString());
        parameters.AddWithValue("state", key.StateName);
    }
}
