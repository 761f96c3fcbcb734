using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Scheduling.Silo.Tests.Harness;

namespace Scheduling.Silo.Tests.OrleansProviders;

/// <summary>Grain state through Persistence.AdoNet on the queries of 1300_orleans.sql, as System.Text.Json.</summary>
[Collection(OrleansSiloCollection.Name)]
public sealed class AdoNetGrainStorageTests : IAsyncLifetime
{
    private OrleansDatabase _database = null!;
    private IHost _silo = null!;

    private IGrainFactory Grains => _silo.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        _database = await OrleansDatabase.CreateAsync();
        var port = LocalPorts.FreeRange(2);
        _silo = await AdoNetSilo.StartAsync(
            _database.ConnectionString,
            $"cluster-{Guid.NewGuid():N}",
            "scheduling-tests",
            port,
            port + 1,
            silo => silo.AddAdoNetGrainStorage("Deleting", options =>
            {
                options.Invariant = AdoNetSilo.Invariant;
                options.ConnectionString = _database.ConnectionString;
                options.DeleteStateOnClear = true;
            }));
    }

    public async Task DisposeAsync()
    {
        await AdoNetSilo.StopAsync(_silo);
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task GrainStateIsStoredAsPlainJsonAndReadBackAfterTheGrainIsDeactivated()
    {
        var key = Random.Shared.NextInt64(1, long.MaxValue);
        var grain = Grains.GetGrain<IProfileGrain>(key);

        await grain.Save("Ada", 3, ["vip", "early"]);
        await grain.Deactivate();
        var view = await grain.Read();

        Assert.Equal(2, ProfileGrain.Activations[key]);
        Assert.Equal(("Ada", 3, "vip,early", true, "1"), Summary(view));

        var row = Assert.Single(await _database.RowsAsync(
            "SELECT grain_type, grain_id_n0, grain_id_n1, grain_id_extension, version, payload::text, jsonb_typeof(payload) FROM orleans_grain_state"));
        Assert.Equal("profile", row[0]); // Orleans' grain type name, not a .NET type name
        Assert.Equal(new object?[] { 0L, key, null, 1 }, row[1..5]);
        Assert.Equal("object", row[6]);
        var json = (string)row[5]!;
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Scheduling.", json, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(
            ["Name", "Tags", "Visits"],
            document.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Ada", document.RootElement.GetProperty("Name").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("Visits").GetInt32());
        Assert.Equal(["vip", "early"], document.RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task AWriteFromAStaleVersionThrowsInconsistentStateException()
    {
        var storage = _silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var id = GrainId.Create("profile", Guid.NewGuid().ToString("N"));
        const string StateName = "profile-direct";

        var first = new GrainState<ProfileState>(new ProfileState { Name = "first" });
        await storage.WriteStateAsync(StateName, id, first);
        Assert.Equal("1", first.ETag);

        // A second writer that never read: a first write where a row already exists.
        var blind = new GrainState<ProfileState>(new ProfileState { Name = "blind" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, blind));

        // Two writers holding version 1: the first to write wins, the other is refused.
        var second = new GrainState<ProfileState>(new ProfileState { Name = "second" }, "1");
        await storage.WriteStateAsync(StateName, id, second);
        Assert.Equal("2", second.ETag);
        first.State = new ProfileState { Name = "first, again" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, id, first));

        var stored = new GrainState<ProfileState>();
        await storage.ReadStateAsync(StateName, id, stored);
        Assert.Equal(("second", "2", true), (stored.State?.Name, stored.ETag, stored.RecordExists));

        // Through a grain: someone else wrote meanwhile, so the grain's write fails; Orleans drops the
        // activation and the next call reads what is stored.
        var key = Random.Shared.NextInt64(1, long.MaxValue);
        var grain = Grains.GetGrain<IProfileGrain>(key);
        await grain.Save("Ada", 1, []);
        Assert.Equal(1, await _database.ExecuteAsync(
            """
            UPDATE orleans_grain_state SET version = version + 1, payload = jsonb_set(payload, '{Visits}', '7')
             WHERE grain_id_n1 = @key
            """,
            ("key", key)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Save("Ada", 2, []));
        Assert.True(await OrleansDatabase.EventuallyAsync(
            async () => await grain.Read() is { Visits: 7, ETag: "2" }, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ClearingTheStateEmptiesItAndKeepsCountingItsVersion()
    {
        var key = Random.Shared.NextInt64(1, long.MaxValue);
        var grain = Grains.GetGrain<IProfileGrain>(key);
        await grain.Save("Ada", 3, ["vip"]);

        await grain.Clear();

        Assert.Equal(("", 0, "", false, "2"), Summary(await grain.Read()));
        Assert.Equal(new object?[] { null, 2 }, Assert.Single(await StoredAsync(key)));
        await grain.Deactivate();
        Assert.Equal(("", 0, "", false, "2"), Summary(await grain.Read()));

        await grain.Save("Grace", 1, []);
        Assert.Equal("Grace", (await grain.Read()).Name);
        Assert.Equal(3, Assert.Single(await StoredAsync(key))[1]);

        // With DeleteStateOnClear the row goes, and the next write is a first write again.
        var deleting = _silo.Services.GetRequiredKeyedService<IGrainStorage>("Deleting");
        var id = GrainId.Create("profile", Guid.NewGuid().ToString("N"));
        var state = new GrainState<ProfileState>(new ProfileState { Name = "temporary" });
        await deleting.WriteStateAsync("profile-deleting", id, state);
        await deleting.ClearStateAsync("profile-deleting", id, state);
        Assert.Null(state.ETag);
        Assert.Equal(0L, await _database.ScalarAsync(
            "SELECT count(*) FROM orleans_grain_state WHERE grain_type = 'profile-deleting'"));
        await deleting.WriteStateAsync("profile-deleting", id, state);
        Assert.Equal("1", state.ETag);
    }

    private Task<List<object?[]>> StoredAsync(long key) =>
        _database.RowsAsync("SELECT payload::text, version FROM orleans_grain_state WHERE grain_id_n1 = @key", ("key", key));

    private static (string Name, int Visits, string Tags, bool RecordExists, string? ETag) Summary(ProfileView view) =>
        (view.Name, view.Visits, string.Join(",", view.Tags), view.RecordExists, view.ETag);
}
