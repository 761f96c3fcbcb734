using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Services;
using Scheduling.Contracts.Sessions;
using Scheduling.Grains.Accounts;
using Scheduling.Grains.Sessions;
using Scheduling.Grains.Snapshots;

namespace Scheduling.ApiHost.Tests.Api;

/// <summary>
/// The read-mostly grains' snapshots that requests read in place of grain calls (LocalSnapshots): present while the
/// grain is active on the host's silo, replaced before a change is acknowledged, withdrawn when the grain deactivates.
/// </summary>
public abstract class LocalSnapshotsTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private LocalSnapshots Snapshots => Factory.Services.GetRequiredService<LocalSnapshots>();

    private IGrainFactory Grains => Factory.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task AChangedServiceIsWhatTheNextRequestReads()
    {
        var tenant = await SignUpAsync();
        var created = await tenant.PostJsonAsync("/api/v2/service", new { name = "Visit", duration = 30 });
        var id = created.Data.GetProperty("id").GetInt64();
        var grain = Grains.GetGrain<IServiceGrain>(id).GetGrainId();

        Assert.True(Snapshots.TryGet<ServiceSnapshot?>(grain, out var before));
        Assert.Equal(30, before!.DurationMinutes);

        var changed = await tenant.PutJsonAsync($"/api/v2/service/{id}", new { duration = 45 });
        Assert.Equal(0, changed.StatusCode);
        Assert.True(Snapshots.TryGet<ServiceSnapshot?>(grain, out var after));
        Assert.Equal(45, after!.DurationMinutes);
        Assert.Equal(45, (await tenant.GetAsync($"/api/v2/service/{id}")).Data[0].GetProperty("duration").GetInt32());

        // Deleted: the snapshot says there is none, so the next read is 404 without asking the grain.
        Assert.Equal(0, (await tenant.DeleteAsync($"/api/v2/service/{id}")).StatusCode);
        Assert.True(Snapshots.TryGet<ServiceSnapshot?>(grain, out var deleted));
        Assert.Null(deleted);
        Assert.Equal(7, (await tenant.GetAsync($"/api/v2/service/{id}")).StatusCode);
    }

    [Fact]
    public async Task ALoggedOutSessionIsRefusedAtOnceThoughItsSnapshotWasRead()
    {
        var tenant = await SignUpAsync();
        Assert.Equal(0, (await tenant.GetAsync("/api/v2/account/getAccountInfo")).StatusCode);
        var session = Grains.GetGrain<ISessionGrain>(Secrets.SessionKey(tenant.SessionToken)).GetGrainId();
        Assert.True(Snapshots.TryGet<SessionView?>(session, out var view));
        Assert.False(view!.Revoked);

        Assert.Equal(0, (await tenant.GetAsync("/api/v2/account/logout")).StatusCode);

        Assert.True(Snapshots.TryGet<SessionView?>(session, out var revoked));
        Assert.True(revoked!.Revoked);
        Assert.Equal(403, (int)(await tenant.Client.GetAsync("/api/v2/account/getAccountInfo")).StatusCode);
    }

    [Fact]
    public async Task ADeactivatedGrainsSnapshotIsWithdrawnAndTheNextReadAsksTheGrainAgain()
    {
        var tenant = await SignUpAsync();
        var account = Grains.GetGrain<IAccountGrain>(tenant.CompanyId);
        Assert.True(Snapshots.TryGet<AccountSnapshot?>(account.GetGrainId(), out var published));
        Assert.Equal(tenant.CompanyId, published!.CompanyId);

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.False(await Factory.Services.IsActiveAsync(account.GetGrainId()));
        Assert.False(Snapshots.TryGet<AccountSnapshot?>(account.GetGrainId(), out _));

        // The next request reads the account through the grain, which comes back and publishes again.
        var info = await tenant.GetAsync("/api/v2/account/getAccountInfo");
        Assert.Equal(0, info.StatusCode);
        Assert.True(Snapshots.TryGet<AccountSnapshot?>(account.GetGrainId(), out var again));
        Assert.Equal(tenant.CompanyId, again!.CompanyId);
    }

    [Fact]
    public void AGrainsIdMadeWithoutAReferenceIsTheReferencesId()
    {
        Assert.Equal(Grains.GetGrain<IServiceGrain>(42).GetGrainId(), Snapshots.IdOf<IServiceGrain>(Grains, 42));
        Assert.Equal(Grains.GetGrain<IAccountGrain>(42).GetGrainId(), Snapshots.IdOf<IAccountGrain>(Grains, 42));
        Assert.Equal(Grains.GetGrain<ISessionGrain>("ab12").GetGrainId(), Snapshots.IdOf<ISessionGrain>(Grains, "ab12"));
    }

    [Fact]
    public async Task AnotherGrainTypesSnapshotIsNotTakenForTheOneAskedFor()
    {
        var tenant = await SignUpAsync();
        var account = Grains.GetGrain<IAccountGrain>(tenant.CompanyId).GetGrainId();
        Assert.True(Snapshots.TryGet<AccountSnapshot?>(account, out _));
        Assert.False(Snapshots.TryGet<ServiceSnapshot?>(account, out _));
    }
}

public sealed class LocalSnapshotsMemoryTests(MemoryApiStorage storage) : LocalSnapshotsTests<MemoryApiStorage>(storage);

public sealed class LocalSnapshotsPostgresTests(PostgresApiStorage storage) : LocalSnapshotsTests<PostgresApiStorage>(storage);
