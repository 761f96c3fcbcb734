using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Grains;
using Scheduling.Grains.Storage.Postgres;
using Scheduling.TestSupport;

namespace Scheduling.Silo.Tests.OrleansProviders;

/// <summary>
/// A fresh database per test, migrated as a silo migrates it (the runtime's and the Grains migrations, so
/// 1300_orleans.sql with the Orleans tables and queries), and a way to look at its rows.
/// </summary>
public sealed class OrleansDatabase : IAsyncDisposable
{
    private readonly PostgresTestDatabase _database;
    private readonly NpgsqlDataSource _dataSource;

    private OrleansDatabase(PostgresTestDatabase database, NpgsqlDataSource dataSource)
    {
        _database = database;
        _dataSource = dataSource;
    }

    /// <summary>What the Orleans providers are given (with Invariant "Npgsql").</summary>
    public string ConnectionString => _database.ConnectionString;

    public static async Task<OrleansDatabase> CreateAsync()
    {
        var database = await PostgresTestDatabase.CreateAsync();
        NpgsqlDataSource? dataSource = null;
        try
        {
            // A server whose sessions are not on UTC: a time sent or read as "timestamp without time zone" anywhere
            // would come back shifted by hours, where on a UTC server it would go unnoticed.
            await using (var connection = new NpgsqlConnection(database.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"ALTER DATABASE \"{database.Name}\" SET timezone TO 'Pacific/Chatham'", connection);
                await command.ExecuteNonQueryAsync();
                NpgsqlConnection.ClearPool(connection);
            }

            dataSource = database.CreateDataSource();
            var options = new PostgresStorageOptions { ConnectionString = database.ConnectionString };
            options.MigrationAssemblies.Add(typeof(GrainsAssembly).Assembly);
            await new PostgresMigrationRunner(dataSource, options, NullLogger<PostgresMigrationRunner>.Instance).ApplyAsync(default);
            return new OrleansDatabase(database, dataSource);
        }
        catch
        {
            if (dataSource is not null)
            {
                await dataSource.DisposeAsync();
            }

            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>The rows of a query, each as its column values (DBNull as null).</summary>
    public async Task<List<object?[]>> RowsAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = _dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async Task<object?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters) =>
        (await RowsAsync(sql, parameters)).SingleOrDefault()?[0];

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = _dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The session time zone the database gives its connections (not UTC, on purpose).</summary>
    public async Task<string?> TimeZoneAsync() => (string?)await ScalarAsync("SHOW timezone");

    /// <summary>Membership rows of a cluster: "address:port" to status.</summary>
    public async Task<Dictionary<string, int>> MembershipStatusesAsync(string clusterId) =>
        (await RowsAsync(
            "SELECT address || ':' || port, status FROM orleans_membership WHERE deployment_id = @cluster",
            ("cluster", clusterId)))
        .ToDictionary(r => (string)r[0]!, r => (int)r[1]!);

    /// <summary>Polls until the condition holds; false if it still does not after the timeout.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }
}
