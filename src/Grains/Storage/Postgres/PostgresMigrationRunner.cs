using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Scheduling.Grains.Storage.Postgres;

/// <summary>
/// Brings the database schema up to date at start-up: registered as the first hosted service, so nothing
/// touches the database before its tables exist. Several silos may start at once: each migration runs in its
/// own transaction under a transaction-scoped advisory lock, so exactly one silo applies it and the others
/// wait and then see it recorded.
/// </summary>
public sealed partial class PostgresMigrationRunner : IHostedService
{
    /// <summary>"SCHEDULE" in ASCII: the advisory lock key every silo of the cluster serializes migrations on.</summary>
    internal const long AdvisoryLockKey = 0x5343_4845_4455_4C45;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<PostgresMigration> _migrations;
    private readonly ILogger<PostgresMigrationRunner> _logger;

    public PostgresMigrationRunner(NpgsqlDataSource dataSource, PostgresStorageOptions options, ILogger<PostgresMigrationRunner> logger)
        : this(dataSource, PostgresMigration.Discover(options?.MigrationAssemblies ?? throw new ArgumentNullException(nameof(options))), logger)
    {
    }

    /// <summary>Runs an explicit list of migrations (tests). Internal so that DI sees one constructor.</summary>
    internal PostgresMigrationRunner(NpgsqlDataSource dataSource, IReadOnlyList<PostgresMigration> migrations, ILogger<PostgresMigrationRunner> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(logger);
        _dataSource = dataSource;
        _migrations = PostgresMigration.Combine(migrations);
        _logger = logger;
    }

    public IReadOnlyList<PostgresMigration> Migrations => _migrations;

    public Task StartAsync(CancellationToken cancellationToken) => ApplyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies every missing migration in version order; returns the versions this call applied.</summary>
    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken)
    {
        var applied = new List<int>();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            // A transaction-scoped lock (rather than a session lock released by hand) cannot outlive its holder
            // through the connection pool, whatever happens to the process.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand(
                """
                SELECT pg_advisory_xact_lock(@key);
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    int         PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """,
                connection,
                transaction))
            {
                lockCommand.CommandTimeout = 0;
                lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var done = new HashSet<int>();
            await using (var readCommand = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
            await using (var reader = await readCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    done.Add(reader.GetInt32(0));
                }
            }

            var next = _migrations.FirstOrDefault(m => !done.Contains(m.Version));
            if (next is null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (applied.Count == 0)
                {
                    LogUpToDate(_logger, _migrations.Count == 0 ? 0 : _migrations[^1].Version);
                }

                return applied;
            }

            LogApplying(_logger, next.Version, next.Name, next.Source);
            try
            {
                await using (var migrationCommand = new NpgsqlCommand(next.Sql, connection, transaction))
                {
                    migrationCommand.CommandTimeout = 0;
                    await migrationCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var recordCommand = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", connection, transaction))
                {
                    recordCommand.Parameters.AddWithValue("version", next.Version);
                    recordCommand.Parameters.AddWithValue("name", next.Name);
                    await recordCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new InvalidOperationException($"Migration {next.Version:D4}_{next.Name} ({next.Source}) failed; nothing of it was applied.", ex);
            }

            applied.Add(next.Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying database migration {Version} {Name} from {Source}")]
    private static partial void LogApplying(ILogger logger, int version, string name, string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Database schema is up to date (version {Version})")]
    private static partial void LogUpToDate(ILogger logger, int version);
}
