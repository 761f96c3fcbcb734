using Scheduling.Runtime.Storage;

namespace Scheduling.Runtime.Reminders;

/// <summary>Registers and looks up a grain's durable reminders in the reminder table.</summary>
internal sealed class ReminderRegistry(IReminderTable table, TimeProvider time)
{
    public Task<IGrainReminder> RegisterAsync(GrainId grainId, string name, TimeSpan dueTime, TimeSpan period) =>
        RegisterAsync(grainId, name, time.GetUtcNow() + dueTime, period);

    public async Task<IGrainReminder> RegisterAsync(GrainId grainId, string name, DateTimeOffset dueAt, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A reminder period is zero or infinite (fire once) or positive.");
        }

        var entry = await table.UpsertAsync(grainId, name, dueAt, period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period, CancellationToken.None);
        return new GrainReminder(entry.Name);
    }

    public Task UnregisterAsync(GrainId grainId, string name) =>
        table.RemoveAsync(grainId, name, version: null, CancellationToken.None);

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string name) =>
        await table.ReadAsync(grainId, name, CancellationToken.None) is { } entry ? new GrainReminder(entry.Name) : null;

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(GrainId grainId) =>
        [.. (await table.ReadAllAsync(grainId, CancellationToken.None)).Select(e => (IGrainReminder)new GrainReminder(e.Name))];

    private sealed record GrainReminder(string ReminderName) : IGrainReminder;
}
