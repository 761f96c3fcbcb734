using System.Collections.Immutable;
using Npgsql;
using NpgsqlTypes;

namespace Scheduling.Grains.Webhooks;

/// <summary>
/// Deliveries in the <c>webhook_deliveries</c> and <c>webhook_attempts</c> tables (migration 1200). A claim is one
/// statement: it picks due rows with FOR UPDATE SKIP LOCKED and sets their lease, so concurrent workers split the
/// rows between them; a lease that runs out makes its rows claimable again.
/// </summary>
public sealed class PostgresWebhookDeliveryStore(NpgsqlDataSource dataSource) : IWebhookDeliveryStore
{
    private const string Columns =
        "id, company_id, subscription_id, event_id, event_type, body, event_created_at, status, attempts, next_attempt_at, created_at, delivered_at, last_status_code, last_error";

    public async Task<bool> AddAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var command = dataSource.CreateCommand(
            $"""
            INSERT INTO webhook_deliveries ({Columns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT ON CONSTRAINT webhook_deliveries_event_subscription DO NOTHING
            """);
        command.Parameters.Add(Long(delivery.Id));
        command.Parameters.Add(Long(delivery.CompanyId));
        command.Parameters.Add(Long(delivery.SubscriptionId));
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = delivery.EventId });
        command.Parameters.Add(Text(delivery.EventType));
        command.Parameters.Add(Text(delivery.Body));
        command.Parameters.Add(Time(delivery.EventCreatedAt));
        command.Parameters.Add(Text(delivery.Status));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = delivery.Attempts });
        command.Parameters.Add(Time(delivery.NextAttemptAt));
        command.Parameters.Add(Time(delivery.CreatedAt));
        command.Parameters.Add(Time(delivery.DeliveredAt));
        command.Parameters.Add(Int(delivery.LastStatusCode));
        command.Parameters.Add(Text(delivery.LastError));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string owner, int max, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await using var command = dataSource.CreateCommand(
            $"""
            WITH due AS (
                SELECT id FROM webhook_deliveries
                WHERE status = 'pending'
                  AND next_attempt_at <= $1
                  AND (lease_until IS NULL OR lease_until <= $1)
                ORDER BY next_attempt_at, id
                LIMIT $2
                FOR UPDATE SKIP LOCKED)
            UPDATE webhook_deliveries AS d
            SET lease_owner = $3, lease_until = $4
            FROM due
            WHERE d.id = due.id
            RETURNING {string.Join(", ", Columns.Split(", ").Select(c => "d." + c))}
            """);
        command.Parameters.Add(Time(now));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        command.Parameters.Add(Text(owner));
        command.Parameters.Add(Time(now + lease));
        var claimed = await ReadDeliveriesAsync(command, cancellationToken);

        // UPDATE ... RETURNING does not keep the CTE's order.
        return [.. claimed.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)];
    }

    public async Task<bool> RecordAsync(string owner, long deliveryId, WebhookAttempt? attempt, WebhookDeliveryUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var change = new NpgsqlCommand(
            """
            UPDATE webhook_deliveries
            SET status = $3, attempts = COALESCE($4, attempts), next_attempt_at = $5, delivered_at = COALESCE($6, delivered_at),
                last_status_code = $7, last_error = $8, lease_owner = NULL, lease_until = NULL
            WHERE id = $1 AND lease_owner = $2
            """, connection, transaction))
        {
            change.Parameters.Add(Long(deliveryId));
            change.Parameters.Add(Text(owner));
            change.Parameters.Add(Text(update.Status));
            change.Parameters.Add(Int(attempt?.Number));
            change.Parameters.Add(Time(update.NextAttemptAt));
            change.Parameters.Add(Time(update.DeliveredAt));
            change.Parameters.Add(Int(update.StatusCode));
            change.Parameters.Add(Text(update.Error));
            if (await change.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        if (attempt is not null)
        {
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO webhook_attempts (delivery_id, attempt_no, at, status_code, latency_ms, error, response_excerpt)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, connection, transaction);
            insert.Parameters.Add(Long(deliveryId));
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempt.Number });
            insert.Parameters.Add(Time(attempt.At));
            insert.Parameters.Add(Int(attempt.StatusCode));
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempt.LatencyMs });
            insert.Parameters.Add(Text(attempt.Error));
            insert.Parameters.Add(Text(attempt.ResponseExcerpt));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<WebhookDeliveryRecord>> ListAsync(long companyId, long subscriptionId, int skip, int take, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns} FROM webhook_deliveries
            WHERE subscription_id = $1 AND company_id = $2
            ORDER BY event_created_at DESC, id DESC OFFSET $3 LIMIT $4
            """);
        command.Parameters.Add(Long(subscriptionId));
        command.Parameters.Add(Long(companyId));
        command.Parameters.Add(Long(skip));
        command.Parameters.Add(Long(take));
        var deliveries = await ReadDeliveriesAsync(command, cancellationToken);
        if (deliveries.Count == 0)
        {
            return [];
        }

        await using var attemptsCommand = dataSource.CreateCommand(
            """
            SELECT delivery_id, attempt_no, at, status_code, latency_ms, error, response_excerpt
            FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt_no
            """);
        attemptsCommand.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. deliveries.Select(d => d.Id)] });
        var attempts = new List<WebhookAttempt>();
        await using (var reader = await attemptsCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                attempts.Add(new WebhookAttempt(
                    reader.GetInt64(0),
                    reader.GetInt32(1),
                    reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3),
                    reader.GetInt32(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        var byDelivery = attempts.ToLookup(a => a.DeliveryId);
        return [.. deliveries.Select(d => new WebhookDeliveryRecord(d, [.. byDelivery[d.Id]]))];
    }

    public async Task<WebhookRedelivery> RedeliverAsync(long companyId, long subscriptionId, long deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One statement: the row is found (or not) and changed only when no live lease holds it.
        await using var command = dataSource.CreateCommand(
            """
            WITH target AS (
                SELECT id, lease_until IS NOT NULL AND lease_until > $4 AS in_flight FROM webhook_deliveries
                WHERE id = $1 AND company_id = $2 AND subscription_id = $3
                FOR UPDATE),
            queued AS (
                UPDATE webhook_deliveries AS d SET status = 'pending', next_attempt_at = $4
                FROM target WHERE d.id = target.id AND NOT target.in_flight
                RETURNING d.id)
            SELECT (SELECT in_flight FROM target), (SELECT count(*) FROM queued)
            """);
        command.Parameters.Add(Long(deliveryId));
        command.Parameters.Add(Long(companyId));
        command.Parameters.Add(Long(subscriptionId));
        command.Parameters.Add(Time(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? WebhookRedelivery.NotFound
            : reader.GetInt64(1) == 1 ? WebhookRedelivery.Queued
            : WebhookRedelivery.InFlight;
    }

    public async Task<DateTimeOffset?> LastDeliveredAtAsync(long subscriptionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT max(delivered_at) FROM webhook_deliveries WHERE subscription_id = $1");
        command.Parameters.Add(Long(subscriptionId));
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : null;
    }

    public async Task<WebhookDeliveryStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*), min(created_at) FROM webhook_deliveries WHERE status = 'pending'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var pending = reader.GetInt64(0);
        var oldest = reader.IsDBNull(1) ? now : reader.GetFieldValue<DateTimeOffset>(1);
        return new WebhookDeliveryStats(pending, now > oldest ? now - oldest : TimeSpan.Zero);
    }

    public async Task<int> PurgeFinishedAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken)
    {
        // Ids grow with time, so the primary key finds the oldest rows first and the scan stops after about max rows;
        // the attempts go with their delivery (ON DELETE CASCADE).
        await using var command = dataSource.CreateCommand(
            """
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1 ORDER BY id LIMIT $2)
            """);
        command.Parameters.Add(Time(recordedBefore));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<WebhookDelivery>> ReadDeliveriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new List<WebhookDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new WebhookDelivery(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetGuid(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetString(7),
                reader.GetInt32(8),
                reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetInt32(12),
                reader.IsDBNull(13) ? null : reader.GetString(13)));
        }

        return result;
    }

    private static NpgsqlParameter Long(long value) => new NpgsqlParameter<long> { TypedValue = value };

    private static NpgsqlParameter Int(int? value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } time ? time.ToUniversalTime() : DBNull.Value };
}
