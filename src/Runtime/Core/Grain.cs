using Scheduling.Runtime.Activations;
using Scheduling.Runtime.Streams;

namespace Scheduling.Runtime;

/// <summary>Why an activation is going away.</summary>
public enum DeactivationReason
{
    /// <summary>Idle longer than its collection age.</summary>
    Idle,

    /// <summary>The grain asked for it (<see cref="Grain.DeactivateOnIdle"/>).</summary>
    Requested,

    /// <summary>A state write found a newer version: the next call reloads.</summary>
    InconsistentState,

    /// <summary>A state write failed for another reason: the next call reloads what is stored.</summary>
    WriteFailed,

    /// <summary>Another silo committed a newer version of this grain's state.</summary>
    RemoteChange,

    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
}

/// <summary>
/// Base class of every grain. The runtime constructs grains (through DI, with
/// <see cref="PersistentStateAttribute"/> parameters) and calls them one turn at a time.
/// </summary>
public abstract class Grain
{
    private readonly ActivationData _activation;

    protected Grain()
    {
        _activation = ActivationData.Constructing
            ?? throw new InvalidOperationException("Grains are created by the runtime: use IGrainFactory.GetGrain<T>(key).");
    }

    public GrainId GrainId => _activation.GrainId;

    /// <summary>Events and domain rows that commit with this activation's next state write.</summary>
    protected IGrainOutbox Outbox => _activation.Outbox;

    protected IGrainFactory GrainFactory => _activation.Runtime.GrainFactory;

    protected IServiceProvider ServiceProvider => _activation.Runtime.Services;

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivate once the current turn (and any running calls) finish; queued calls go to a fresh activation.</summary>
    protected void DeactivateOnIdle() => _activation.RequestDeactivation(DeactivationReason.Requested);

    /// <summary>Keeps this activation from idle collection for at least the given time.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => _activation.DelayDeactivation(timeSpan);

    /// <summary>
    /// A timer whose ticks run as turns of this grain (not interleaving with calls unless
    /// <see cref="GrainTimerCreationOptions.Interleave"/>); the next period starts when a tick finishes.
    /// </summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        _activation.RegisterTimer(callback, new GrainTimerCreationOptions(dueTime, period));

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options) =>
        _activation.RegisterTimer(callback, options);

    /// <summary>
    /// Registers (or moves) a durable reminder: it survives deactivation and silo restarts and is delivered
    /// to <see cref="IRemindable.ReceiveReminder"/>. A zero or infinite period fires once and removes it.
    /// </summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _activation.Runtime.Reminders.RegisterAsync(GrainId, reminderName, dueTime, period);

    /// <summary>Registers (or moves) a durable reminder due at an absolute time.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, DateTimeOffset dueAt, TimeSpan period) =>
        _activation.Runtime.Reminders.RegisterAsync(GrainId, reminderName, dueAt, period);

    /// <summary>
    /// Registers (or moves) a one-shot reminder due at <paramref name="dueAt"/> with this activation's next state
    /// write: it commits together with the state and the turn's events, or not at all.
    /// </summary>
    protected void RegisterReminderWithState(string reminderName, DateTimeOffset dueAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        Outbox.Attach(new ReminderChange(GrainId, reminderName, dueAt));
    }

    /// <summary>Removes the reminder (if there is one) with this activation's next state write.</summary>
    protected void UnregisterReminderWithState(string reminderName)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        Outbox.Attach(new ReminderChange(GrainId, reminderName, null));
    }

    protected Task UnregisterReminder(IGrainReminder reminder) =>
        _activation.Runtime.Reminders.UnregisterAsync(GrainId, reminder.ReminderName);

    protected Task<IGrainReminder?> GetReminder(string reminderName) =>
        _activation.Runtime.Reminders.GetAsync(GrainId, reminderName);

    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() =>
        _activation.Runtime.Reminders.GetAllAsync(GrainId);

    protected IStreamProvider GetStreamProvider(string name) => _activation.Runtime.GetStreamProvider(name);

    internal ActivationData Activation => _activation;
}
