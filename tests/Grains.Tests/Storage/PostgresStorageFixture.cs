using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Storage.Postgres;
using Scheduling.TestSupport;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>
/// One fresh database per test class, with every migration of Scheduling.Grains applied; tests empty the storage
/// tables before they start.
/// </summary>
public sealed class PostgresStorageFixture : IAsyncLifetime
{
    private static readonly TimeSpan OutboxPatience = TimeSpan.FromSeconds(30);

    private PostgresTestDatabase? _database;
    private NpgsqlDataSource? _dataSource;

    public PostgresTestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialized.");

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Fixture not initialized.");

    public PostgresStorageOptions Options => new() { ConnectionString = Database.ConnectionString };

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
        await new PostgresMigrationRunner(_dataSource, Options, NullLogger<PostgresMigrationRunner>.Instance).ApplyAsync(default);

        // Domain rows of the tests' own attachments (see NoteAttachment).
        await ExecuteAsync("CREATE TABLE test_notes (id text PRIMARY KEY, text text NOT NULL CHECK (text <> 'forbidden'))");
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public Task ResetAsync() =>
        ExecuteAsync("TRUNCATE grain_state, outbox, outbox_dead_letters, reminders, test_notes RESTART IDENTITY");

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default : (T)value;
    }

    public PostgresGrainStorage CreateGrainStorage(params IPostgresAttachmentWriter[] writers) => new(DataSource, Options, writers);

    /// <summary>
    /// Waits until the outbox reader may see every row committed before the call. It reads only rows of transactions
    /// older than every transaction still running on the server (the snapshot's xmin), and that horizon is the whole
    /// server's: a write in flight in any database (another test class's, another test run's) holds it back for a
    /// moment. This waits until every transaction that had an id when it was called has ended.
    /// </summary>
    public async Task WaitForOutboxHorizonAsync()
    {
        var horizon = await ScalarAsync<long>("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
        var deadline = DateTime.UtcNow + OutboxPatience;
        while (await ScalarAsync<long>("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint") < horizon)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Transactions older than {horizon} were still running after {OutboxPatience}.");
            await Task.Delay(10);
        }
    }
}
