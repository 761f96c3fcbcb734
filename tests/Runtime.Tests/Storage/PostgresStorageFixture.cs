using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Storage.Postgres;
using Scheduling.TestSupport;

namespace Scheduling.Runtime.Tests.Storage;

/// <summary>One fresh, migrated database per test class; tests empty the runtime tables before they start.</summary>
public sealed class PostgresStorageFixture : IAsyncLifetime
{
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

    public async Task ResetAsync()
    {
        await ExecuteAsync("TRUNCATE grain_state, outbox, reminders RESTART IDENTITY");
    }

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
}
