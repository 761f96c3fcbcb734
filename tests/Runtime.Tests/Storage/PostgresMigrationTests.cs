using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Runtime.Hosting;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Storage.Postgres;
using Scheduling.TestSupport;

namespace Scheduling.Runtime.Tests.Storage;

/// <summary>Migrations at start-up, on a fresh database per test, and how UsePostgresStorage wires them.</summary>
public sealed class PostgresMigrationTests
{
    // Each depends on the one before, and 0004 would leave two rows if it ran twice.
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
        var runtimeOnly = PostgresMigration.Discover([]);

        var first = await Runner(dataSource, runtimeOnly).ApplyAsync(default);
        var again = await Runner(dataSource, runtimeOnly).ApplyAsync(default);
        var withDomain = await Runner(dataSource, [.. runtimeOnly, .. DomainMigrations]).ApplyAsync(default);

        Assert.Equal(runtimeOnly.Select(m => m.Version), first);
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
    public void TheRuntimeMigrationsAreAlwaysIncludedAndAnAssemblyListedTwiceCountsOnce()
    {
        var runtime = typeof(PostgresMigration).Assembly;

        var migrations = PostgresMigration.Discover([runtime, runtime, typeof(PostgresMigrationTests).Assembly]);

        Assert.Equal([1, 2, 3], migrations.Select(m => m.Version));
        var first = migrations[0];
        Assert.Equal(1, first.Version);
        Assert.Equal("runtime", first.Name);
        Assert.Contains("CREATE TABLE grain_state", first.Sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Scheduling.Runtime.Migrations.0001_runtime.sql", 1, "runtime")]
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

        // Registered before the storage provider, and still started after the migrations.
        builder.Services.AddSingleton<IHostedService>(probe);
        new GrainRuntimeBuilder(builder.Services).UsePostgresStorage(database.ConnectionString);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.True(probe.SchemaExistedAtStart);
    }

    [Fact]
    public async Task UsePostgresStorageRegistersTheProviderServices()
    {
        var services = new ServiceCollection().AddLogging();
        var runtime = new GrainRuntimeBuilder(services);

        runtime.UsePostgresStorage("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing", o => o.NotifyChanges = false);

        Assert.Equal("Postgres", runtime.StorageProvider);
        Assert.Equal(typeof(PostgresMigrationRunner), services.First(d => d.ServiceType == typeof(IHostedService)).ImplementationType);
        await using var provider = services.BuildServiceProvider();
        var storage = Assert.IsType<PostgresGrainStorage>(provider.GetRequiredService<IGrainStorage>());
        Assert.Same(storage, provider.GetRequiredService<IStorageHealth>());
        Assert.IsType<PostgresOutboxStore>(provider.GetRequiredService<IOutboxStore>());
        Assert.IsType<PostgresReminderTable>(provider.GetRequiredService<IReminderTable>());
        Assert.False(provider.GetRequiredService<PostgresStorageOptions>().NotifyChanges);
        Assert.Equal(2, provider.GetServices<IHostedService>().Count());
        Assert.Throws<InvalidOperationException>(() => runtime.UseMemoryStorage());
    }

    private static PostgresMigrationRunner Runner(NpgsqlDataSource dataSource, IReadOnlyList<PostgresMigration> migrations) =>
        new(dataSource, migrations, NullLogger<PostgresMigrationRunner>.Instance);

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
