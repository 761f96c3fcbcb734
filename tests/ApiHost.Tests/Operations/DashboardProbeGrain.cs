using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>
/// A test grain that makes Orleans and the app emit what the dashboards chart: state writes and clears, reminders,
/// deactivations, a call that times out, one its caller cancels, and a long turn.
/// </summary>
public interface IDashboardProbeGrain : IGrainWithIntegerKey
{
    Task<int> IncrementAsync();

    Task ClearAsync();

    /// <summary>Answers after <paramref name="delay"/>, later than its caller waits (Orleans counts a timed-out request).</summary>
    [ResponseTimeout("00:00:00.200")]
    Task StallAsync(TimeSpan delay);

    /// <summary>Waits until its caller cancels (Orleans counts a canceled request).</summary>
    Task WaitAsync(CancellationToken cancellationToken);

    /// <summary>Holds its turn for <paramref name="duration"/> without yielding (Orleans counts a long-running turn).</summary>
    Task BlockAsync(TimeSpan duration);

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
    : Grain, IDashboardProbeGrain, IRemindable, IIncomingGrainCallFilter
{
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => outbox.EndTurnAsync(context);

    private int _reminders;

    public async Task<int> IncrementAsync()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task ClearAsync() => state.ClearStateAsync();

    public Task StallAsync(TimeSpan delay) => Task.Delay(delay);

    public Task WaitAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task BlockAsync(TimeSpan duration)
    {
        Thread.Sleep(duration);
        return Task.CompletedTask;
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
