namespace Scheduling.Runtime;

/// <summary>A grain's persistent state, injected with <see cref="PersistentStateAttribute"/>.</summary>
public interface IPersistentState<TState>
{
    TState State { get; set; }

    /// <summary>The version read or last written, as text; null when no record exists yet.</summary>
    string? Etag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync();

    /// <summary>
    /// Writes the state conditionally on <see cref="Etag"/>, together with every event and attachment the
    /// grain queued in its <see cref="IGrainOutbox"/> during this turn (one transaction).
    /// Throws <see cref="InconsistentStateException"/> when the stored version moved on.
    /// </summary>
    Task WriteStateAsync();

    /// <summary>
    /// Commits the turn's events and attachments with a version bump as <see cref="WriteStateAsync"/> does, but keeps
    /// the stored state as it is instead of writing it again: for turns that changed only rows beside the state.
    /// The state must not have changed since it was read or last written. Without a record it writes the state.
    /// </summary>
    Task CommitWithoutStateAsync();

    Task ClearStateAsync();
}
