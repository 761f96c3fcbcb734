using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Streams;

namespace Scheduling.Runtime;

/// <summary>
/// The transactional outbox of one activation. What a turn queues here commits in the same transaction
/// as the activation's next <see cref="IPersistentState{TState}.WriteStateAsync"/>: an acknowledged change
/// always produces its events, a failed write produces none. Events queued by a turn that writes no
/// state are published on their own when the turn ends; attachments need a state write.
/// </summary>
public interface IGrainOutbox
{
    /// <summary>Queues an event for a stream. A default event id gets a fresh one.</summary>
    void Publish<T>(StreamId stream, T item, Guid eventId = default)
        where T : notnull;

    /// <summary>Queues domain rows to be written with the next state write.</summary>
    void Attach(IStateWriteAttachment attachment);
}
