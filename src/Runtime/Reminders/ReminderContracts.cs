namespace Scheduling.Runtime;

/// <summary>A durable reminder as stored. <see cref="Period"/> zero means it fires once and is then removed.</summary>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset DueAt, TimeSpan Period, long Version);

/// <summary>Durable reminder storage, shared by every silo of the cluster.</summary>
public interface IReminderTable
{
    /// <summary>Creates or replaces the reminder (new due time, period, version + 1) and frees any lease on it.</summary>
    Task<ReminderEntry> UpsertAsync(GrainId grainId, string name, DateTimeOffset dueAt, TimeSpan period, CancellationToken cancellationToken);

    /// <summary>Removes the reminder; with a version, only if it still has that version. True when a row was removed.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string name, long? version, CancellationToken cancellationToken);

    Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> reminders due at <paramref name="now"/> whose lease is free or expired,
    /// leasing them to <paramref name="owner"/> until now + lease, so that one firing happens on one silo.
    /// </summary>
    Task<IReadOnlyList<ReminderEntry>> ClaimDueAsync(string owner, DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a firing. When the reminder still has the claimed version: removes it if <paramref name="nextDue"/>
    /// is null, else moves it to <paramref name="nextDue"/>; either way its lease is freed. When the grain
    /// re-registered it meanwhile (new version), the new registration stands untouched.
    /// </summary>
    Task CompleteFiringAsync(ReminderEntry fired, DateTimeOffset? nextDue, CancellationToken cancellationToken);
}

/// <summary>Implemented by grains that own durable reminders.</summary>
public interface IRemindable : IGrain
{
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>What a reminder tick knows: when it was due, its period, and when it fired.</summary>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>A handle on a registered reminder.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }
}
