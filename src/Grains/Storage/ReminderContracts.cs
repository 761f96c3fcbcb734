namespace Scheduling.Grains.Storage;

/// <summary>A durable reminder as stored. <see cref="Period"/> zero means it fires once and is then removed.</summary>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset DueAt, TimeSpan Period, long Version);

/// <summary>
/// The one-shot reminders at an absolute time (an appointment's reminder, an idempotency key's expiry), shared by every
/// silo of the cluster. Registered in the owning grain's state write (<see cref="ReminderChange"/>), claimed when due under
/// a lease by whichever silo polls first, and delivered to the grain's <see cref="Orleans.IRemindable"/>; one missed while
/// no silo ran fires late rather than never. Orleans' own reminders are periodic, registered in a round trip of their
/// own and skip a missed tick: see docs/decisions.md.
/// </summary>
public interface IOneShotReminderTable
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
