using Npgsql;
using NpgsqlTypes;

namespace Scheduling.Grains.Storage.Postgres;

/// <summary>
/// The outbox table as the queues of the outbox stream provider: rows are appended with the state writes that raise
/// them, read queue by queue in commit order by the receiver that owns the queue, deleted once delivered, and moved to
/// <c>outbox_dead_letters</c> when their delivery keeps failing.
/// </summary>
public sealed class PostgresOutboxStore(NpgsqlDataSource dataSource) : IOutboxStore
{
    public async Task AppendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(CreateInsertCommand(messages));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboxRecord>> ReadAsync(int queue, OutboxCursor after, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(
            """
            SELECT sequence, event_id, stream_namespace, stream_key, queue, payload_type, payload, created_at, txid
            FROM outbox
            WHERE queue = @queue
              AND (txid, sequence) > (@afterTransaction, @afterSequence)
              AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
            ORDER BY txid, sequence
            LIMIT @max
            """);
        command.Parameters.AddWithValue("queue", queue);
        command.Parameters.AddWithValue("afterTransaction", after.Transaction);
        command.Parameters.AddWithValue("afterSequence", after.Sequence);
        command.Parameters.AddWithValue("max", max);

        var records = new List<OutboxRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new OutboxRecord(new OutboxCursor(reader.GetInt64(8), reader.GetInt64(0)), ReadMessage(reader, 1)));
        }

        return records;
    }

    public async Task CompleteAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("DELETE FROM outbox WHERE sequence = ANY(@sequences)");
        command.Parameters.AddWithValue("sequences", sequences.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeadLetterAsync(long sequence, string reason, DateTimeOffset failedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH moved AS (DELETE FROM outbox WHERE sequence = @sequence RETURNING *)
            INSERT INTO outbox_dead_letters (sequence, event_id, stream_namespace, stream_key, queue, payload_type, payload, created_at, failed_at, reason)
            SELECT sequence, event_id, stream_namespace, stream_key, queue, payload_type, payload, created_at, @failedAt, @reason FROM moved
            ON CONFLICT (sequence) DO NOTHING
            """);
        command.Parameters.AddWithValue("sequence", sequence);
        command.Parameters.AddWithValue("failedAt", failedAt.ToUniversalTime());
        command.Parameters.AddWithValue("reason", reason);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT sequence, event_id, stream_namespace, stream_key, queue, payload_type, payload, created_at, failed_at, reason
            FROM outbox_dead_letters
            ORDER BY failed_at DESC, sequence DESC
            LIMIT @max
            """);
        command.Parameters.AddWithValue("max", max);
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(new DeadLetter(reader.GetInt64(0), ReadMessage(reader, 1), reader.GetFieldValue<DateTimeOffset>(8), reader.GetString(9)));
        }

        return letters;
    }

    public async Task<OutboxStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*), min(created_at), (SELECT count(*) FROM outbox_dead_letters) FROM outbox");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var pending = reader.GetInt64(0);
        var dead = reader.GetInt64(2);
        if (reader.IsDBNull(1))
        {
            return new OutboxStats(pending, TimeSpan.Zero, dead);
        }

        var age = now - reader.GetFieldValue<DateTimeOffset>(1);
        return new OutboxStats(pending, age < TimeSpan.Zero ? TimeSpan.Zero : age, dead);
    }

    /// <summary>
    /// One insert of all <paramref name="messages"/>, in their order (sequence numbers rise with it); shared with state
    /// writes so both paths write identical rows.
    /// </summary>
    internal static NpgsqlBatchCommand CreateInsertCommand(IReadOnlyList<OutboxMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO outbox (event_id, stream_namespace, stream_key, queue, payload_type, payload, created_at)
            SELECT m.event_id, m.stream_namespace, m.stream_key, m.queue, m.payload_type, m.payload, m.created_at
            FROM unnest(@eventIds, @namespaces, @streamKeys, @queues, @payloadTypes, @payloads, @createdAts)
                WITH ORDINALITY AS m(event_id, stream_namespace, stream_key, queue, payload_type, payload, created_at, n)
            ORDER BY m.n
            """);
        command.Parameters.AddWithValue("eventIds", messages.Select(m => m.EventId).ToArray());
        command.Parameters.AddWithValue("namespaces", messages.Select(m => m.StreamNamespace).ToArray());
        command.Parameters.AddWithValue("streamKeys", messages.Select(m => m.StreamKey).ToArray());
        command.Parameters.AddWithValue("queues", messages.Select(m => m.Queue).ToArray());
        command.Parameters.AddWithValue("payloadTypes", messages.Select(m => m.PayloadType).ToArray());
        command.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = messages.Select(m => m.Payload).ToArray() });
        command.Parameters.AddWithValue("createdAts", messages.Select(m => m.CreatedAt.ToUniversalTime()).ToArray());
        return command;
    }

    // The message columns from event_id on: event_id, stream_namespace, stream_key, queue, payload_type, payload, created_at.
    private static OutboxMessage ReadMessage(NpgsqlDataReader reader, int first) =>
        new(
            reader.GetGuid(first),
            reader.GetString(first + 1),
            reader.GetString(first + 2),
            reader.GetInt32(first + 3),
            reader.GetString(first + 4),
            reader.GetFieldValue<byte[]>(first + 5),
            reader.GetFieldValue<DateTimeOffset>(first + 6));
}
