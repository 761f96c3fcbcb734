using Npgsql;

namespace Scheduling.TestSupport;

/// <summary>
/// A throwaway database on the test PostgreSQL server named by SCHEDULING_TEST_POSTGRES, created fresh and
/// dropped (with any sessions still on it) on dispose. Tests never skip silently when the server is missing.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "SCHEDULING_TEST_POSTGRES";

    private readonly string _adminConnectionString;
    private bool _disposed;

    private PostgresTestDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database name (sched_test_&lt;guid&gt;).</summary>
    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>The admin connection string from the environment; throws when it is not set.</summary>
    public static string AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(value)
                ? throw new InvalidOperationException(
                    "PostgreSQL tests need SCHEDULING_TEST_POSTGRES (an admin connection string); run scripts/test.sh, which installs and starts PostgreSQL")
                : value;
        }
    }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = AdminConnectionString;
        var name = $"sched_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();

            // Identifiers cannot be parameters; the name is ours (a Guid), never input.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new PostgresTestDatabase(admin, name, connectionString);
    }

    /// <summary>A data source on this database; the caller disposes it.</summary>
    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
