using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>A test grain that makes the runtime emit what the dashboards chart: writes, reminders, deactivations.</summary>
public interface IDashboardProbeGrain : IGrainWithIntegerKey
{
    Task<int> IncrementAsync();

    /// <summary>Registers a one-shot reminder due now.</summary>
    Task RemindNowAsync();

    Task<int> RemindersReceivedAsync();

    Task DeactivateAsync();
}

public sealed class DashboardProbeState
{
    public int Count { get; set; }
}

public sealed class DashboardProbeGrain(
    [PersistentState("dashboard-probe", OutboxStorageNames.Outbox)] IPersistentState<DashboardProbeState> state,
    GrainOutbox outbox,
    TimeProvider time)
    : Grain, IDashboardProbeGrain, IRemindable
{
    private int _reminders;

    public async Task<int> IncrementAsync()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task RemindNowAsync()
    {
        outbox.RegisterReminder("probe", time.GetUtcNow());
        return state.WriteStateAsync();
    }

    public Task<int> RemindersReceivedAsync() => Task.FromResult(_reminders);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminders++;
        return Task.CompletedTask;
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
