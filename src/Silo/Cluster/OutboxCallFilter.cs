using Scheduling.Grains.Storage;

namespace Scheduling.Silo.Cluster;

/// <summary>
/// Ends every turn of a grain that has a <see cref="GrainOutbox"/>: a turn that failed leaves nothing queued for the next
/// write (the change did not happen, so neither do its events), and events raised by a turn that wrote no state are
/// appended on their own before the caller hears back, so their order with later turns holds.
/// </summary>
public sealed class OutboxCallFilter(IOutboxStore store, OutboxCommits commits) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outbox = GrainOutbox.Of(context.TargetContext);
        if (outbox is null)
        {
            await context.Invoke();
            return;
        }

        try
        {
            await context.Invoke();
        }
        catch
        {
            outbox.Discard();
            throw;
        }

        if (outbox.HasPending)
        {
            await outbox.FlushAsync(store, commits);
        }
    }
}
