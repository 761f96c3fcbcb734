using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService;
using Scheduling.Silo.Tests.Harness;

namespace Scheduling.Silo.Tests.OrleansProviders;

/// <summary>Membership through Clustering.AdoNet on the queries of 1300_orleans.sql.</summary>
[Collection(OrleansSiloCollection.Name)]
public sealed class AdoNetClusteringTests : IAsyncLifetime
{
    private const int Active = 3;
    private const int Dead = 6;

    private readonly string _clusterId = $"cluster-{Guid.NewGuid():N}";
    private readonly List<IHost> _silos = [];
    private OrleansDatabase _database = null!;

    public async Task InitializeAsync() => _database = await OrleansDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var silo in Enumerable.Reverse(_silos))
        {
            await AdoNetSilo.StopAsync(silo);
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task TwoSilosOnOneDatabaseFormOneClusterInWhichAGrainHasOneActivation()
    {
        var port = LocalPorts.FreeRange(4);
        var first = await StartSiloAsync(port, port + 1);
        var second = await StartSiloAsync(port + 2, port + 3);

        Assert.Equal(
            new Dictionary<string, int> { [$"127.0.0.1:{port}"] = Active, [$"127.0.0.1:{port + 2}"] = Active },
            await _database.MembershipStatusesAsync(_clusterId));
        Assert.True(await OrleansDatabase.EventuallyAsync(
            () => Task.FromResult(ActiveMembers(first) == 2 && ActiveMembers(second) == 2), TimeSpan.FromSeconds(10)));

        var key = $"grain-{Guid.NewGuid():N}";
        var throughFirst = await first.Services.GetRequiredService<IGrainFactory>().GetGrain<IWhereaboutsGrain>(key).Locate();
        var throughSecond = await second.Services.GetRequiredService<IGrainFactory>().GetGrain<IWhereaboutsGrain>(key).Locate();

        Assert.Equal(throughFirst.Silo, throughSecond.Silo);
        Assert.Equal(throughFirst.Activation, throughSecond.Activation);
        Assert.Equal([1, 2], new[] { throughFirst.Calls, throughSecond.Calls });
        Assert.Equal(1, WhereaboutsGrain.Activations[key]);
        Assert.Contains(throughFirst.Silo, new[] { SiloAddressOf(first), SiloAddressOf(second) });
    }

    [Fact]
    public async Task AClientFindsTheActiveGatewaysInTheMembershipTable()
    {
        var port = LocalPorts.FreeRange(2);
        var silo = await StartSiloAsync(port, port + 1);
        var key = $"grain-{Guid.NewGuid():N}";
        var inSilo = await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IWhereaboutsGrain>(key).Locate();

        using var client = Host.CreateDefaultBuilder()
            .UseOrleansClient(builder =>
            {
                builder.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = _clusterId;
                    options.ServiceId = "scheduling-tests";
                });
                builder.UseAdoNetClustering(options =>
                {
                    options.Invariant = AdoNetSilo.Invariant;
                    options.ConnectionString = _database.ConnectionString;
                });
            })
            // Not the appsettings.json that the referenced ApiHost/Silo projects copy next to the tests.
            .ConfigureAppConfiguration(configuration => configuration.Sources.Clear())
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        await client.StartAsync();
        try
        {
            var viaGateway = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IWhereaboutsGrain>(key).Locate();

            Assert.Equal(inSilo.Activation, viaGateway.Activation);
            Assert.Equal(2, viaGateway.Calls);
        }
        finally
        {
            await client.StopAsync();
        }
    }

    [Fact]
    public async Task ASiloThatStopsGracefullyIsDeadInTheMembershipTable()
    {
        var port = LocalPorts.FreeRange(4);
        var staying = await StartSiloAsync(port, port + 1);
        var leaving = await StartSiloAsync(port + 2, port + 3);

        _silos.Remove(leaving);
        await AdoNetSilo.StopAsync(leaving);

        Assert.Equal(
            new Dictionary<string, int> { [$"127.0.0.1:{port}"] = Active, [$"127.0.0.1:{port + 2}"] = Dead },
            await _database.MembershipStatusesAsync(_clusterId));
        Assert.True(await OrleansDatabase.EventuallyAsync(
            () => Task.FromResult(ActiveMembers(staying) == 1), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task MembershipWritesSucceedOnlyAtTheTableVersionTheSiloRead()
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = "scheduling-tests" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = AdoNetSilo.Invariant, ConnectionString = _database.ConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var now = DateTime.UtcNow;
        var alive = Entry(11111, SiloStatus.Joining, now);
        var gone = Entry(22222, SiloStatus.Dead, now.AddDays(-8));

        Assert.True(await table.InsertRowAsync(alive, empty.Version));
        Assert.False(await table.InsertRowAsync(gone, empty.Version)); // stale table version
        var afterOne = await table.ReadAllAsync();
        Assert.Equal(1, afterOne.Version.Version);
        Assert.False(await table.InsertRowAsync(alive, afterOne.Version)); // already there: no version bump either
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version);
        Assert.True(await table.InsertRowAsync(gone, afterOne.Version));

        var read = await table.ReadAllAsync();
        Assert.Equal(2, read.Version.Version);
        alive.Status = SiloStatus.Active;
        alive.SuspectTimes = [Tuple.Create(gone.SiloAddress, now)];
        Assert.True(await table.UpdateRowAsync(alive, read.Version.VersionEtag, read.Version));
        Assert.False(await table.UpdateRowAsync(alive, read.Version.VersionEtag, read.Version)); // stale now
        var unknown = Entry(33333, SiloStatus.Active, now);
        var current = (await table.ReadAllAsync()).Version;
        Assert.False(await table.UpdateRowAsync(unknown, current.VersionEtag, current)); // no such silo
        Assert.Equal(3, (await table.ReadAllAsync()).Version.Version);

        alive.IAmAliveTime = now.AddSeconds(5);
        await table.UpdateIAmAliveAsync(alive);
        var row = await table.ReadRowAsync(alive.SiloAddress);
        var (entry, _) = Assert.Single(row.Members);
        Assert.Equal(3, row.Version.Version);
        Assert.Equal(SiloStatus.Active, entry.Status);
        Assert.Equal("silo-11111", entry.SiloName);
        Assert.Equal(30000, entry.ProxyPort);
        Assert.NotNull(entry.SuspectTimes);
        Assert.Equal(gone.SiloAddress, Assert.Single(entry.SuspectTimes).Item1);
        // Times are instants, whatever the session's time zone (not UTC here).
        Assert.Equal("Pacific/Chatham", await _database.TimeZoneAsync());
        Assert.Equal(alive.IAmAliveTime, entry.IAmAliveTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(alive.StartTime, entry.StartTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(DateTimeKind.Utc, entry.IAmAliveTime.Kind);
        var missing = await table.ReadRowAsync(unknown.SiloAddress);
        Assert.Empty(missing.Members);
        Assert.Equal(3, missing.Version.Version);

        // Only dead silos unheard of since the cut-off are removed.
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-7));
        Assert.Equal([alive.SiloAddress], (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress));

        await table.DeleteMembershipTableEntriesAsync(_clusterId);
        Assert.Equal(0L, await _database.ScalarAsync(
            "SELECT (SELECT count(*) FROM orleans_membership) + (SELECT count(*) FROM orleans_membership_version)"));
    }

    private static MembershipEntry Entry(int port, SiloStatus status, DateTime time) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 7),
        SiloName = $"silo-{port}",
        HostName = "test-host",
        Status = status,
        ProxyPort = 30000,
        StartTime = time,
        IAmAliveTime = time,
    };

    private async Task<IHost> StartSiloAsync(int siloPort, int gatewayPort)
    {
        var silo = await AdoNetSilo.StartAsync(_database.ConnectionString, _clusterId, "scheduling-tests", siloPort, gatewayPort);
        _silos.Add(silo);
        return silo;
    }

    private static int ActiveMembers(IHost silo) =>
        silo.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Count(m => m.Status == SiloStatus.Active);

    private static string SiloAddressOf(IHost silo) =>
        silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
}
