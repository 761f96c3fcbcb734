using System.Collections.Concurrent;
using Orleans;
using Orleans.Runtime;

namespace Scheduling.Silo.Tests.OrleansProviders;

// Grains of the Orleans provider tests. Activations and reminder ticks are counted in static maps: the silos of
// a test all run in this process, so a count covers the whole cluster.

/// <summary>Tells where it runs: which silo, which activation, how many calls that activation has served.</summary>
public interface IWhereaboutsGrain : IGrainWithStringKey
{
    Task<Whereabouts> Locate();
}

[GenerateSerializer, Immutable]
public sealed record Whereabouts([property: Id(0)] string Silo, [property: Id(1)] string Activation, [property: Id(2)] int Calls);

public sealed class WhereaboutsGrain : Grain, IWhereaboutsGrain
{
    /// <summary>Activations per grain key, across every silo of this process.</summary>
    public static ConcurrentDictionary<string, int> Activations { get; } = new();

    private int _calls;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Activations.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }

    public Task<Whereabouts> Locate() =>
        Task.FromResult(new Whereabouts(RuntimeIdentity, GrainContext.ActivationId.ToString(), ++_calls));
}

/// <summary>A grain state with a nested collection, as the System.Text.Json storage serializer writes it.</summary>
[GenerateSerializer]
public sealed class ProfileState
{
    [Id(0)]
    public string Name { get; set; } = "";

    [Id(1)]
    public int Visits { get; set; }

    [Id(2)]
    public List<string> Tags { get; set; } = [];
}

[GenerateSerializer, Immutable]
public sealed record ProfileView(
    [property: Id(0)] string Name,
    [property: Id(1)] int Visits,
    [property: Id(2)] IReadOnlyList<string> Tags,
    [property: Id(3)] bool RecordExists,
    [property: Id(4)] string? ETag);

/// <summary>Keeps a <see cref="ProfileState"/> in the "Default" storage (Persistence.AdoNet).</summary>
public interface IProfileGrain : IGrainWithIntegerKey
{
    Task Save(string name, int visits, IReadOnlyList<string> tags);

    Task<ProfileView> Read();

    Task Clear();

    Task Deactivate();
}

public sealed class ProfileGrain([PersistentState("profile", "Default")] IPersistentState<ProfileState> profile) : Grain, IProfileGrain
{
    /// <summary>Activations per grain key, across every silo of this process.</summary>
    public static ConcurrentDictionary<long, int> Activations { get; } = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Activations.AddOrUpdate(this.GetPrimaryKeyLong(), 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }

    public Task Save(string name, int visits, IReadOnlyList<string> tags)
    {
        profile.State.Name = name;
        profile.State.Visits = visits;
        profile.State.Tags = [.. tags];
        return profile.WriteStateAsync();
    }

    public Task<ProfileView> Read() =>
        Task.FromResult(new ProfileView(profile.State.Name, profile.State.Visits, [.. profile.State.Tags], profile.RecordExists, profile.Etag));

    public Task Clear() => profile.ClearStateAsync();

    public Task Deactivate()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>Registers, reads and removes its own reminders; counts the ticks it receives.</summary>
public interface IAlarmGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan dueTime, TimeSpan period);

    Task<string?> Find(string name);

    Task<IReadOnlyList<string>> List();

    Task<bool> Unregister(string name);
}

public sealed class AlarmGrain : Grain, IAlarmGrain, IRemindable
{
    /// <summary>Ticks received per "grain key/reminder name".</summary>
    public static ConcurrentDictionary<string, int> Ticks { get; } = new();

    public Task Register(string name, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<string?> Find(string name) => (await this.GetReminder(name))?.ReminderName;

    public async Task<IReadOnlyList<string>> List() =>
        [.. (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal)];

    public async Task<bool> Unregister(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is null)
        {
            return false;
        }

        await this.UnregisterReminder(reminder);
        return true;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.AddOrUpdate($"{this.GetPrimaryKeyString()}/{reminderName}", 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }
}
