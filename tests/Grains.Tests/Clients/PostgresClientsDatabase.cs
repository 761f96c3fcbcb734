using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Storage.Postgres;
using Scheduling.TestSupport;

namespace Scheduling.Grains.Tests.Clients;

/// <summary>One fresh database per test class, migrated as a silo migrates it (runtime + Grains migrations).</summary>
public sealed class PostgresClientsDatabase : IAsyncLifetime
{
    private PostgresTestDatabase? _database;
    private NpgsqlDataSource? _dataSource;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Fixture not initialized.");

    /// <summary>Ids from the database's sequence, so tests sharing the database never collide.</summary>
    public IIdGenerator Ids { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
        var options = new PostgresStorageOptions { ConnectionString = _database.ConnectionString };
        options.MigrationAssemblies.Add(typeof(GrainsAssembly).Assembly);
        await new PostgresMigrationRunner(_dataSource, options, NullLogger<PostgresMigrationRunner>.Instance).ApplyAsync(default);
        Ids = new PostgresIdGenerator(_dataSource);
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
}
