using Npgsql;

namespace Scheduling.Grains.Storage.Postgres;

/// <summary>
/// Durable reminders in table reminders, shared by every silo. Due reminders are claimed under a lease with
/// FOR UPDATE SKIP LOCKED so one firing happens on one silo. Versions come from a database sequence: each
/// registration gets a higher version than any before it, even after the reminder was removed in between.
/// </summary>
public sealed class PostgresReminderTable : IOneShotReminderTable
{
    private const string Columns = "grain_type, grain_key, name, due_at, period_ms, version";

    // New or moved registrations (one row per element of the arrays): a version higher than any before it, and no
    // lease (a firing in flight keeps its own).
    private const string UpsertSql =
        """
        INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ms, version, lease_owner, lease_until)
        SELECT c.grain_type, c.grain_key, c.name, c.due_at, c.period_ms, nextval('reminder_version_seq'), NULL, NULL
        FROM unnest(@types, @keys, @names, @dueAts, @periodsMs) AS c(grain_type, grain_key, name, due_at, period_ms)
        ON CONFLICT (grain_type, grain_key, name) DO UPDATE
        SET due_at = excluded.due_at, period_ms = excluded.period_ms, version = excluded.version,
            lease_owner = NULL, lease_until = NULL
        """;

    private const string RemoveSql =
        """
        DELETE FROM reminders AS r USING unnest(@types, @keys, @names) AS c(grain_type, grain_key, name)
        WHERE r.grain_type = c.grain_type AND r.grain_key = c.grain_key AND r.name = c.name
        """;

    /// <summary>Writes <see cref="ReminderChange"/>s in the transaction of the state write they came with.</summary>
    internal static IPostgresAttachmentWriter ChangeWriter { get; } = new ReminderChangeWriter();

    private readonly NpgsqlDataSource _dataSource;

    public PostgresReminderTable(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async Task<ReminderEntry> UpsertAsync(GrainId grainId, string name, DateTimeOffset dueAt, TimeSpan period, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.Zero);
        await using var command = _dataSource.CreateCommand($"{UpsertSql} RETURNING {Columns}");
        AddKeys(command.Parameters, [(grainId, name)]);
        command.Parameters.AddWithValue("dueAts", new[] { dueAt.ToUniversalTime() });
        command.Parameters.AddWithValue("periodsMs", new[] { period.Ticks / TimeSpan.TicksPerMillisecond });
        var entries = await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
        return entries[0];
    }

    public async Task<bool> RemoveAsync(GrainId grainId, string name, long? version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var command = _dataSource.CreateCommand(version is null ? RemoveSql : $"{RemoveSql} AND r.version = @version");
        AddKeys(command.Parameters, [(grainId, name)]);
        if (version is { } expected)
        {
            command.Parameters.AddWithValue("version", expected);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {Columns} FROM reminders WHERE grain_type = @type AND grain_key = @key AND name = @name");
        AddKey(command.Parameters, grainId, name);
        var entries = await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
        return entries.Count == 0 ? null : entries[0];
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT {Columns} FROM reminders WHERE grain_type = @type AND grain_key = @key ORDER BY name");
        command.Parameters.AddWithValue("type", grainId.Type.ToString());
        command.Parameters.AddWithValue("key", grainId.Key.ToString());
        return await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ClaimDueAsync(string owner, DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
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
                SELECT grain_type, grain_key, name FROM reminders
                WHERE due_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY due_at
                LIMIT @max
                FOR UPDATE SKIP LOCKED)
            UPDATE reminders AS r
            SET lease_owner = @owner, lease_until = @until
            FROM due
            WHERE r.grain_type = due.grain_type AND r.grain_key = due.grain_key AND r.name = due.name
            RETURNING r.grain_type, r.grain_key, r.name, r.due_at, r.period_ms, r.version
            """);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("until", (now + lease).ToUniversalTime());
        command.Parameters.AddWithValue("max", max);
        command.Parameters.AddWithValue("owner", owner);
        var entries = await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);

        // UPDATE ... RETURNING does not keep the CTE's order.
        entries.Sort((a, b) => a.DueAt.CompareTo(b.DueAt));
        return entries;
    }

    public async Task CompleteFiringAsync(ReminderEntry fired, DateTimeOffset? nextDue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fired);

        // Conditional on the fired version: a registration made while the reminder fired stands untouched.
        await using var command = _dataSource.CreateCommand(nextDue is null
            ? "DELETE FROM reminders WHERE grain_type = @type AND grain_key = @key AND name = @name AND version = @version"
            : """
              UPDATE reminders SET due_at = @nextDue, lease_owner = NULL, lease_until = NULL
              WHERE grain_type = @type AND grain_key = @key AND name = @name AND version = @version
              """);
        AddKey(command.Parameters, fired.GrainId, fired.Name);
        command.Parameters.AddWithValue("version", fired.Version);
        if (nextDue is { } next)
        {
            command.Parameters.AddWithValue("nextDue", next.ToUniversalTime());
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<ReminderEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry(
                GrainId.Create(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                TimeSpan.FromMilliseconds(reader.GetInt64(4)),
                reader.GetInt64(5)));
        }

        return entries;
    }

    private static void AddKey(NpgsqlParameterCollection parameters, GrainId grainId, string name)
    {
        parameters.AddWithValue("type", grainId.Type.ToString());
        parameters.AddWithValue("key", grainId.Key.ToString());
        parameters.AddWithValue("name", name);
    }

    // The keys of a multi-row statement (UpsertSql, RemoveSql), one array element per reminder.
    private static void AddKeys(NpgsqlParameterCollection parameters, IEnumerable<(GrainId GrainId, string Name)> reminders)
    {
        var list = reminders.ToList();
        parameters.AddWithValue("types", list.Select(r => r.GrainId.Type.ToString()).ToArray());
        parameters.AddWithValue("keys", list.Select(r => r.GrainId.Key.ToString()).ToArray());
        parameters.AddWithValue("names", list.Select(r => r.Name).ToArray());
    }

    private sealed class ReminderChangeWriter : IPostgresAttachmentWriter
    {
        public Type AttachmentType => typeof(ReminderChange);

        // The last change of each reminder is the one that stands, as if they ran in order: then one delete of all
        // removed reminders and one upsert of all registered ones (each a version higher than any before it).
        public void AddCommands(IReadOnlyList<IStateWriteAttachment> attachments, NpgsqlBatch batch)
        {
            var last = new Dictionary<(GrainId GrainId, string Name), ReminderChange>();
            foreach (ReminderChange change in attachments)
            {
                last[(change.GrainId, change.Name)] = change;
            }

            var removed = last.Values.Where(c => c.DueAt is null).ToList();
            if (removed.Count > 0)
            {
                var delete = new NpgsqlBatchCommand(RemoveSql);
                AddKeys(delete.Parameters, removed.Select(c => (c.GrainId, c.Name)));
                batch.BatchCommands.Add(delete);
            }

            var registered = last.Values.Where(c => c.DueAt is not null).ToList();
            if (registered.Count > 0)
            {
                var upsert = new NpgsqlBatchCommand(UpsertSql);
                AddKeys(upsert.Parameters, registered.Select(c => (c.GrainId, c.Name)));
                upsert.Parameters.AddWithValue("dueAts", registered.Select(c => c.DueAt!.Value.ToUniversalTime()).ToArray());
                upsert.Parameters.AddWithValue("periodsMs", new long[registered.Count]);
                batch.BatchCommands.Add(upsert);
            }
        }
    }
}
