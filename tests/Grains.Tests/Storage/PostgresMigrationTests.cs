using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Storage.Postgres;
using Scheduling.TestSupport;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>Migrations at start-up, on a fresh database per test, and how AddPostgresDomainStores wires them.</summary>
public sealed class PostgresMigrationTests
{
    // Each depends on the one before, and 9004 would leave two rows if it ran twice.
    private static readonly PostgresMigration[] DomainMigrations =
    [
        new(9002, "things", "CREATE TABLE things (id int PRIMARY KEY);", "test:9002_things.sql"),
        new(9003, "thing_names", "ALTER TABLE things ADD COLUMN name text;", "test:9003_thing_names.sql"),
        new(9004, "first_thing", "INSERT INTO things (id, name) SELECT coalesce(max(id), 0) + 1, 'first' FROM things;", "test:9004_first_thing.sql"),
    ];

    [Fact]
    public async Task ConcurrentRunnersApplyEachMigrationExactlyOnce()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var migrations = PostgresMigration.Discover([]).Concat(DomainMigrations).ToList();
        var dataSources = Enumerable.Range(0, 4).Select(_ => database.CreateDataSource()).ToList();
        try
        {
            using var start = new Barrier(dataSources.Count);
            var runs = dataSources.Select(dataSource => Task.Run(async () =>
            {
                var runner = new PostgresMigrationRunner(dataSource, migrations, NullLogger<PostgresMigrationRunner>.Instance);
                start.SignalAndWait();
                return await runner.ApplyAsync(default);
            })).ToList();
            var applied = (await Task.WhenAll(runs)).SelectMany(versions => versions).Order().ToList();

            Assert.Equal(migrations.Select(m => m.Version), applied);
            Assert.Equal(migrations.Select(m => m.Version), await ReadAppliedVersionsAsync(dataSources[0]));
            await using var count = dataSources[0].CreateCommand("SELECT count(*) FROM things");
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RunningMigrationsAgainAppliesOnlyTheNewOnes()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        var grainsOnly = PostgresMigration.Discover([]);

        var first = await Runner(dataSource, grainsOnly).ApplyAsync(default);
        var again = await Runner(dataSource, grainsOnly).ApplyAsync(default);
        var withDomain = await Runner(dataSource, [.. grainsOnly, .. DomainMigrations]).ApplyAsync(default);

        Assert.Equal(MigrationFileVersions(), first);
        Assert.Empty(again);
        Assert.Equal([9002, 9003, 9004], withDomain);
    }

    [Fact]
    public async Task AFailingMigrationIsNeitherRecordedNorPartlyApplied()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        PostgresMigration[] migrations =
        [
            .. PostgresMigration.Discover([]),
            new(9002, "half_done", "CREATE TABLE half_done (id int); SELECT 1 / 0;", "test:9002_half_done.sql"),
        ];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Runner(dataSource, migrations).ApplyAsync(default));

        Assert.Contains("9002_half_done", error.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresMigration.Discover([]).Select(m => m.Version), await ReadAppliedVersionsAsync(dataSource));
        await using var exists = dataSource.CreateCommand("SELECT to_regclass('half_done') IS NOT NULL");
        Assert.Equal(false, await exists.ExecuteScalarAsync());
    }

    [Fact]
    public void AMigrationVersionDefinedTwiceIsRefused()
    {
        PostgresMigration[] migrations =
        [
            new(7, "appointments", "SELECT 1", "Scheduling.Grains:Scheduling.Grains.Migrations.0007_appointments.sql"),
            new(7, "sessions", "SELECT 1", "Scheduling.ApiHost:Scheduling.ApiHost.Migrations.0007_sessions.sql"),
        ];

        var error = Assert.Throws<InvalidOperationException>(() => PostgresMigration.Combine(migrations));

        Assert.Contains("0007_appointments", error.Message, StringComparison.Ordinal);
        Assert.Contains("0007_sessions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGrainsMigrationsAreAlwaysIncludedEveryOneOfThemAndAnAssemblyListedTwiceCountsOnce()
    {
        var grains = typeof(PostgresMigration).Assembly;

        var migrations = PostgresMigration.Discover([grains, grains, typeof(PostgresMigrationTests).Assembly]);

        Assert.Equal(MigrationFileVersions(), migrations.Select(m => m.Version));
        var first = migrations[0];
        Assert.Equal(1, first.Version);
        Assert.Equal("runtime", first.Name);
        Assert.Contains("CREATE TABLE grain_state", first.Sql, StringComparison.Ordinal);
        Assert.Contains(migrations, m => m.Name == "outbox_stream_queues");
    }

    [Fact]
    public async Task AllMigrationsApplyOnAFreshDatabaseAndLeaveTheOutboxAQueueOfStreamRows()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();

        var applied = await Runner(dataSource, PostgresMigration.Discover([])).ApplyAsync(default);

        Assert.Equal(MigrationFileVersions(), applied);
        Assert.Equal(MigrationFileVersions(), await ReadAppliedVersionsAsync(dataSource));
        Assert.Equal(
            ["created_at", "event_id", "payload", "payload_type", "queue", "sequence", "stream_key", "stream_namespace", "txid"],
            await ReadColumnsAsync(dataSource, "outbox"));
        Assert.Equal(
            ["created_at", "event_id", "failed_at", "payload", "payload_type", "queue", "reason", "sequence", "stream_key", "stream_namespace"],
            await ReadColumnsAsync(dataSource, "outbox_dead_letters"));
        Assert.Equal(["grain_key", "grain_type", "payload", "state_name", "updated_at", "version"], await ReadColumnsAsync(dataSource, "grain_state"));
        Assert.Contains("due_at", await ReadColumnsAsync(dataSource, "reminders"));
    }

    [Fact]
    public async Task TheMigrationsRunAgainstADatabaseAlreadyUpToDateApplyNothingAndChangeNoRow()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await Runner(dataSource, PostgresMigration.Discover([])).ApplyAsync(default);
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO outbox (event_id, stream_namespace, stream_key, queue, payload_type, payload, created_at) VALUES (gen_random_uuid(), 'n', 'k', 3, 't', '{}', now())"))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var again = await Runner(dataSource, PostgresMigration.Discover([])).ApplyAsync(default);

        Assert.Empty(again);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM outbox WHERE queue = 3");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("Scheduling.Grains.Migrations.0001_runtime.sql", 1, "runtime")]
    [InlineData("Scheduling.Grains.Migrations.0004_outbox_stream_queues.sql", 4, "outbox_stream_queues")]
    [InlineData("Scheduling.Grains.Storage.Migrations.0012_appointment_rows.sql", 12, "appointment_rows")]
    public void MigrationResourceNamesGiveVersionAndName(string resourceName, int version, string name)
    {
        var migration = PostgresMigration.FromResource(resourceName, "SELECT 1", resourceName);

        Assert.Equal(version, migration.Version);
        Assert.Equal(name, migration.Name);
    }

    [Theory]
    [InlineData("Scheduling.Grains.Migrations.appointments.sql")]
    [InlineData("Scheduling.Grains.Migrations.0000_zero.sql")]
    [InlineData("Scheduling.Grains.Migrations.0003_.sql")]
    [InlineData("Scheduling.Grains.Migrations.x3_name.sql")]
    public void BadlyNamedMigrationResourcesAreRefused(string resourceName)
    {
        Assert.Throws<InvalidOperationException>(() => PostgresMigration.FromResource(resourceName, "SELECT 1", resourceName));
    }

    [Fact]
    public async Task StartingTheHostAppliesMigrationsBeforeAnyOtherHostedServiceStarts()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var builder = Host.CreateApplicationBuilder();
        var probe = new SchemaProbe(database.ConnectionString);

        // Registered before the stores, and still started after the migrations.
        builder.Services.AddSingleton<IHostedService>(probe);
        builder.Services.AddPostgresDomainStores(database.ConnectionString);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.True(probe.SchemaExistedAtStart);
    }

    [Fact]
    public async Task AddPostgresDomainStoresRegistersThePostgresStoresAndPutsTheMigrationsFirst()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IHostedService, SchemaProbe>(_ => new SchemaProbe("unused"));

        // Registered twice: one migration runner, ahead of the hosted service registered before, and the first options.
        services.AddPostgresDomainStores("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing", o => o.GroupCommitWriters = 3);
        services.AddPostgresDomainStores("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing");

        Assert.Equal(typeof(PostgresMigrationRunner), services.First(d => d.ServiceType == typeof(IHostedService)).ImplementationType);
        await using var provider = services.BuildServiceProvider();
        var storage = Assert.IsType<PostgresGrainStorage>(provider.GetRequiredService<IStateStore>());
        Assert.Same(storage, provider.GetRequiredService<IStorageHealth>());
        Assert.IsType<PostgresOutboxStore>(provider.GetRequiredService<IOutboxStore>());
        Assert.IsType<PostgresReminderTable>(provider.GetRequiredService<IOneShotReminderTable>());
        Assert.IsType<PostgresIdGenerator>(provider.GetRequiredService<IIdGenerator>());
        Assert.Equal(3, provider.GetRequiredService<PostgresStorageOptions>().GroupCommitWriters);
        Assert.Contains(typeof(PostgresMigration).Assembly, provider.GetRequiredService<PostgresStorageOptions>().MigrationAssemblies);
        Assert.Equal(2, provider.GetServices<IHostedService>().Count());
    }

    private static PostgresMigrationRunner Runner(NpgsqlDataSource dataSource, IReadOnlyList<PostgresMigration> migrations) =>
        new(dataSource, migrations, NullLogger<PostgresMigrationRunner>.Instance);

    /// <summary>The versions of src/Grains/Migrations/*.sql, in order: every one of them must be embedded and applied.</summary>
    private static List<int> MigrationFileVersions() =>
    [
        .. System.IO.Directory.GetFiles(RepositoryPaths.Combine("src", "Grains", "Migrations"), "*.sql")
            .Select(path => PostgresMigration.FromResource(Path.GetFileName(path), string.Empty, path).Version)
            .Order(),
    ];

    private static async Task<List<string>> ReadColumnsAsync(NpgsqlDataSource dataSource, string table)
    {
        var columns = new List<string>();
        await using var command = dataSource.CreateCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @table ORDER BY column_name");
        command.Parameters.AddWithValue("table", table);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task<List<int>> ReadAppliedVersionsAsync(NpgsqlDataSource dataSource)
    {
        var versions = new List<int>();
        await using var command = dataSource.CreateCommand("SELECT version FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private sealed class SchemaProbe(string connectionString) : IHostedService
    {
        public bool SchemaExistedAtStart { get; private set; }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT to_regclass('grain_state') IS NOT NULL AND to_regclass('outbox') IS NOT NULL AND to_regclass('reminders') IS NOT NULL",
                connection);
            SchemaExistedAtStart = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
