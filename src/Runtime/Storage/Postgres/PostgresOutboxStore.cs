using Npgsql;
using NpgsqlTypes;

namespace Scheduling.Runtime.Storage.Postgres;

/// <summary>
/// The outbox table as a durable queue. Rows are claimed under a lease with FOR UPDATE SKIP LOCKED, or born leased to
/// the silo that writes them, so any number of silos can deliver at once; a crashed silo's rows come back when their
/// lease runs out.
/// Every time comes from the caller (the application's clock), never from the database's.
/// </summary>
public sealed class PostgresOutboxStore : IOutboxStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStorageOptions _options;

    public PostgresOutboxStore(NpgsqlDataSource dataSource, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _options = options;
    }

    public async Task AppendAsync(IReadOnlyList<OutboxMessage> messages, OutboxLease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        // A batch without an explicit transaction runs in one implicit transaction: all messages or none.
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(CreateInsertCommand([.. messages.Select(m => (m, lease))]));
        if (_options.NotifyChanges && lease is null)
        {
            // Rows born leased wait for their owner; other silos have nothing to claim yet.
            batch.BatchCommands.Add(CreateNotifyCommand());
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims due messages. <see cref="OutboxRecord.Attempts"/> is the number of attempts made before this one
    /// (0 on first delivery). The column counts claims, so an attempt whose silo crashed before it could
    /// release the message still counts towards the backoff.
    /// </summary>
    public async Task<IReadOnlyList<OutboxRecord>> ClaimAsync(string owner, int max, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        if (max == 0)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand(
            """
            WITH due AS (
                SELECT sequence FROM outbox
                WHERE next_attempt_at <= @now
                  AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY sequence
                LIMIT @max
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox AS o
            SET lease_owner = @owner, lease_until = @until, attempts = o.attempts + 1
            FROM due
            WHERE o.sequence = due.sequence
            RETURNING o.sequence, o.event_id, o.stream_namespace, o.stream_key, o.payload_type, o.payload, o.created_at, o.attempts - 1
            """);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("until", (now + lease).ToUniversalTime());
        command.Parameters.AddWithValue("max", max);
        command.Parameters.AddWithValue("owner", owner);

        var records = new List<OutboxRecord>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var message = new OutboxMessage(
                    reader.GetGuid(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetFieldValue<byte[]>(5),
                    reader.GetFieldValue<DateTimeOffset>(6));
                records.Add(new OutboxRecord(reader.GetInt64(0), message, reader.GetInt32(7)));
            }
        }

        // UPDATE ... RETURNING does not keep the CTE's order.
        records.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return records;
    }

    public async Task CompleteAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return;
        }

        await using var command = _dataSource.CreateCommand(
            """
            DELETE FROM outbox WHERE event_id = ANY(@eventIds)
            """);
        command.Parameters.AddWithValue("eventIds", eventIds.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(IReadOnlyList<Guid> eventIds, DateTimeOffset retryAt, string? error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return;
        }

        await using var command = _dataSource.CreateCommand(
            """
            UPDATE outbox SET lease_owner = NULL, lease_until = NULL, next_attempt_at = @retryAt, last_error = @error
            WHERE event_id = ANY(@eventIds)
            """);
        command.Parameters.AddWithValue("eventIds", eventIds.ToArray());
        command.Parameters.AddWithValue("retryAt", retryAt.ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT count(*), min(created_at) FROM outbox");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var pending = reader.GetInt64(0);
        if (reader.IsDBNull(1))
        {
            return new OutboxStats(pending, TimeSpan.Zero);
        }

        var age = now - reader.GetFieldValue<DateTimeOffset>(1);
        return new OutboxStats(pending, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }

    /// <summary>
    /// One insert of all <paramref name="messages"/>, in their order (sequence numbers rise with it), each born leased
    /// when it comes with a lease (its first attempt then counts as made); shared with state writes so both paths write
    /// identical rows.
    /// </summary>
    internal static NpgsqlBatchCommand CreateInsertCommand(IReadOnlyList<(OutboxMessage Message, OutboxLease? Lease)> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO outbox (event_id, stream_namespace, stream_key, payload_type, payload, created_at, next_attempt_at,
                                attempts, lease_owner, lease_until)
            SELECT m.event_id, m.stream_namespace, m.stream_key, m.payload_type, m.payload, m.created_at, m.created_at,
                   CASE WHEN m.lease_owner IS NULL THEN 0 ELSE 1 END, m.lease_owner, m.lease_until
            FROM unnest(@eventIds, @namespaces, @streamKeys, @payloadTypes, @payloads, @createdAts, @leaseOwners, @leaseUntils)
                WITH ORDINALITY AS m(event_id, stream_namespace, stream_key, payload_type, payload, created_at, lease_owner, lease_until, n)
            ORDER BY m.n
            """);
        var eventIds = new Guid[messages.Count];
        var namespaces = new string[messages.Count];
        var streamKeys = new string[messages.Count];
        var payloadTypes = new string[messages.Count];
        var payloads = new byte[messages.Count][];
        var createdAts = new DateTimeOffset[messages.Count];
        var leaseOwners = new string?[messages.Count];
        var leaseUntils = new DateTimeOffset?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var (message, lease) = messages[i];
            eventIds[i] = message.EventId;
            namespaces[i] = message.StreamNamespace;
            streamKeys[i] = message.StreamKey;
            payloadTypes[i] = message.PayloadType;
            payloads[i] = message.Payload;
            createdAts[i] = message.CreatedAt.ToUniversalTime();
            leaseOwners[i] = lease?.Owner;
            leaseUntils[i] = lease?.Until.ToUniversalTime();
        }

        command.Parameters.AddWithValue("eventIds", eventIds);
        command.Parameters.AddWithValue("namespaces", namespaces);
        command.Parameters.AddWithValue("streamKeys", streamKeys);
        command.Parameters.AddWithValue("payloadTypes", payloadTypes);
        command.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = payloads });
        command.Parameters.AddWithValue("createdAts", createdAts);
        command.Parameters.Add(new NpgsqlParameter("leaseOwners", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = leaseOwners });
        command.Parameters.Add(new NpgsqlParameter("leaseUntils", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = leaseUntils });
        return command;
    }

    internal static NpgsqlBatchCommand CreateNotifyCommand()
    {
        var command = new NpgsqlBatchCommand("SELECT pg_notify(@channel, '')");
        command.Parameters.AddWithValue("channel", PostgresNotifications.OutboxChannel);
        return command;
    }
}
