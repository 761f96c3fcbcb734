using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Scheduling.Runtime.Storage.Postgres;

/// <summary>
/// Grain state in table grain_state. A write is one transaction holding the conditional state statement, the
/// turn's outbox rows, the domain rows of its attachments and the change notifications, sent as one batch.
/// </summary>
public sealed class PostgresGrainStorage : IGrainStorage, IStorageHealth
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStorageOptions _options;
    private readonly Dictionary<Type, IPostgresAttachmentWriter> _attachmentWriters = [];

    public PostgresGrainStorage(NpgsqlDataSource dataSource, PostgresStorageOptions options, IEnumerable<IPostgresAttachmentWriter> attachmentWriters)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(attachmentWriters);
        if (string.IsNullOrEmpty(options.NotificationOrigin) || options.NotificationOrigin.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("NotificationOrigin must be non-empty and free of '/'.", nameof(options));
        }

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
    }

    public string ProviderName => "postgresql";

    public async Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT payload, version FROM grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = @state");
        AddKey(command.Parameters, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
        return new StoredState(payload, reader.GetInt64(1));
    }

    public async Task<long> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentOutOfRangeException.ThrowIfNegative(write.ExpectedVersion);

        // Resolved before any database work so a missing writer fails the write without a round trip.
        var writers = new IPostgresAttachmentWriter[write.Attachments.Count];
        for (var i = 0; i < writers.Length; i++)
        {
            var attachmentType = write.Attachments[i].GetType();
            writers[i] = _attachmentWriters.GetValueOrDefault(attachmentType)
                ?? throw new InvalidOperationException(
                    $"No {nameof(IPostgresAttachmentWriter)} is registered for attachment type {attachmentType}; register one in the service collection.");
        }

        var newVersion = checked(write.ExpectedVersion + 1);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);

        var stateCommand = CreateStateCommand(write, newVersion);
        batch.BatchCommands.Add(stateCommand);
        foreach (var message in write.Outbox)
        {
            batch.BatchCommands.Add(PostgresOutboxStore.CreateInsertCommand(message));
        }

        for (var i = 0; i < writers.Length; i++)
        {
            writers[i].AddCommands(write.Attachments[i], batch);
        }

        if (_options.NotifyChanges)
        {
            // NOTIFY is transactional: it goes out on commit and never for a rolled back write.
            var notify = new NpgsqlBatchCommand("SELECT pg_notify(@channel, @payload)");
            notify.Parameters.AddWithValue("channel", PostgresNotifications.GrainChangedChannel);
            notify.Parameters.AddWithValue("payload", PostgresNotifications.FormatGrainChange(_options.NotificationOrigin, write.Key, newVersion));
            batch.BatchCommands.Add(notify);
            if (write.Outbox.Count > 0)
            {
                batch.BatchCommands.Add(PostgresOutboxStore.CreateNotifyCommand());
            }
        }

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

    private static NpgsqlBatchCommand CreateStateCommand(GrainStateWrite write, long newVersion)
    {
        var command = new NpgsqlBatchCommand(write.ExpectedVersion == 0
            ? """
              INSERT INTO grain_state (grain_type, grain_key, state_name, version, payload, updated_at)
              VALUES (@type, @key, @state, @version, @payload, now())
              ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
              """
            : """
              UPDATE grain_state SET version = @version, payload = @payload, updated_at = now()
              WHERE grain_type = @type AND grain_key = @key AND state_name = @state AND version = @expected
              """);
        AddKey(command.Parameters, write.Key);
        command.Parameters.AddWithValue("version", newVersion);
        command.Parameters.AddWithValue("expected", write.ExpectedVersion);
        command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb)
        {
            Value = (object?)write.Payload ?? DBNull.Value,
        });
        return command;
    }

    private static async Task<InconsistentStateException> ConflictAsync(
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
        return new InconsistentStateException(message, storedText, expectedText);
    }

    private static void AddKey(NpgsqlParameterCollection parameters, GrainStateKey key)
    {
        parameters.AddWithValue("type", key.GrainId.Type);
        parameters.AddWithValue("key", key.GrainId.Key);
        parameters.AddWithValue("state", key.StateName);
    }
}
