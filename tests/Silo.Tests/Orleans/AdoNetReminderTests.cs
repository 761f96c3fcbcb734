using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Runtime;
using Scheduling.Silo.Tests.Harness;

namespace Scheduling.Silo.Tests.OrleansProviders;

/// <summary>Reminders through Reminders.AdoNet on the queries of 1300_orleans.sql.</summary>
[Collection(OrleansSiloCollection.Name)]
public sealed class AdoNetReminderTests : IAsyncLifetime
{
    private const string ServiceId = "scheduling-tests";

    private OrleansDatabase _database = null!;
    private IHost _silo = null!;

    private IGrainFactory Grains => _silo.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        _database = await OrleansDatabase.CreateAsync();
        var port = LocalPorts.FreeRange(2);
        _silo = await AdoNetSilo.StartAsync(_database.ConnectionString, $"cluster-{Guid.NewGuid():N}", ServiceId, port, port + 1);
    }

    public async Task DisposeAsync()
    {
        await AdoNetSilo.StopAsync(_silo);
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task AReminderIsARowWithTheGrainsHashThatTheGrainReadsBackAndUnregisteringDeletesIt()
    {
        var grain = Grains.GetGrain<IAlarmGrain>($"alarm-{Guid.NewGuid():N}");
        var grainId = grain.GetGrainId();
        var hash = grainId.GetUniformHashCode();
        var before = DateTime.UtcNow;

        await grain.Register("daily", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30));
        await grain.Register("weekly", TimeSpan.FromMinutes(10), TimeSpan.FromHours(2));

        var rows = await _database.RowsAsync(
            "SELECT service_id, grain_id, reminder_name, grain_hash, period_ms, start_time FROM orleans_reminders ORDER BY reminder_name");
        Assert.Equal(
            new[]
            {
                new object?[] { ServiceId, grainId.ToString(), "daily", unchecked((int)hash), 1_800_000L },
                new object?[] { ServiceId, grainId.ToString(), "weekly", unchecked((int)hash), 7_200_000L },
            },
            rows.Select(r => r[..5]));
        var startTime = Assert.IsType<DateTime>(rows[0][5]);
        Assert.InRange(startTime, before.AddMinutes(10).AddSeconds(-1), DateTime.UtcNow.AddMinutes(10).AddSeconds(1));

        Assert.Equal("daily", await grain.Find("daily"));
        Assert.Null(await grain.Find("monthly"));
        Assert.Equal(["daily", "weekly"], await grain.List());

        // The ring ranges a silo loads its reminders by: (begin, end], wrapping when begin >= end.
        var table = _silo.Services.GetRequiredService<IReminderTable>();
        Assert.Equal(2, (await table.ReadRows(hash - 1, hash)).Reminders.Count);
        Assert.Empty((await table.ReadRows(hash, hash + 1000)).Reminders);
        Assert.Equal(2, (await table.ReadRows(hash + 1, hash)).Reminders.Count);
        Assert.Empty((await table.ReadRows(hash, hash - 1)).Reminders);
        Assert.Equal(2, (await table.ReadRows(0, 0)).Reminders.Count);
        var entry = await table.ReadRow(grainId, "daily");
        Assert.NotNull(entry);
        Assert.Equal(TimeSpan.FromMinutes(30), entry.Period);

        // Registering again replaces the row and gives it a new version (ETag).
        await grain.Register("daily", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(45));
        var updated = await table.ReadRow(grainId, "daily");
        Assert.NotNull(updated);
        Assert.Equal(TimeSpan.FromMinutes(45), updated.Period);
        Assert.NotEqual(entry.ETag, updated.ETag);
        Assert.NotNull(entry.ETag);
        Assert.False(await table.RemoveRow(grainId, "daily", entry.ETag)); // stale ETag

        Assert.True(await grain.Unregister("daily"));

        Assert.Null(await grain.Find("daily"));
        Assert.Equal(["weekly"], await grain.List());
        Assert.Equal(
            ["weekly"],
            (await _database.RowsAsync("SELECT reminder_name FROM orleans_reminders")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task AReminderFiresEveryPeriodUntilItIsUnregistered()
    {
        var key = $"alarm-{Guid.NewGuid():N}";
        var grain = Grains.GetGrain<IAlarmGrain>(key);

        await grain.Register("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        Assert.True(await OrleansDatabase.EventuallyAsync(
            () => Task.FromResult(AlarmGrain.Ticks.GetValueOrDefault($"{key}/tick") >= 2), TimeSpan.FromSeconds(15)));
        Assert.True(await grain.Unregister("tick"));
        Assert.Equal(0L, await _database.ScalarAsync("SELECT count(*) FROM orleans_reminders"));
    }
}
