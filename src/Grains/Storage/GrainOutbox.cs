using System.Text.Json;

namespace Scheduling.Grains.Storage;

/// <summary>
/// The transactional outbox of one activation (a scoped service of the activation's container, injected into the
/// grain's constructor). What a turn queues here commits in the same transaction as the activation's next write of state
/// kept by the <see cref="OutboxStorageNames.Outbox"/> storage provider: an acknowledged change always produces its
/// events and reminders, a failed write produces none. Events queued by a turn that writes no state are appended on
/// their own when the turn ends; attachments need a state write. A turn that fails leaves nothing queued behind.
/// <para>
/// The grain ends its turns through <see cref="EndTurnAsync"/>, as its own incoming call filter
/// (<c>Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) =&gt; outbox.EndTurnAsync(context);</c>).
/// A grain-level filter rather than a silo-wide one: Orleans skips its filter pipeline for calls to grains without
/// filters, and most calls (sessions, accounts, catalog reads) go to grains that have no outbox.
/// </para>
/// </summary>
public sealed class GrainOutbox
{
    private readonly Lock _lock = new();
    private readonly IGrainContext _activation;
    private readonly JsonSerializerOptions _json;
    private readonly TimeProvider _time;
    private readonly IOutboxStore _store;
    private readonly OutboxCommits _commits;
    private List<OutboxMessage>? _messages;
    private List<IStateWriteAttachment>? _attachments;
    private bool _keepStoredState;

    public GrainOutbox(IGrainContext activation, GrainStateJson json, TimeProvider time, IOutboxStore store, OutboxCommits commits)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(json);
        _activation = activation;
        GrainId = activation.GrainId;
        _json = json.Options;
        _time = time;
        _store = store;
        _commits = commits;

        // The storage provider finds the outbox of the activation it serves as its component, under a type no container
        // registers: asking an activation without an outbox for it then creates nothing.
        activation.SetComponent(new Slot(this));
    }

    public GrainId GrainId { get; }

    /// <summary>The outbox of <paramref name="activation"/>, or null when its grain takes none.</summary>
    public static GrainOutbox? Of(IGrainContext? activation) => activation?.GetComponent<Slot>()?.Outbox;

    public bool HasPending
    {
        get
        {
            lock (_lock)
            {
                return _messages is { Count: > 0 } || _attachments is { Count: > 0 };
            }
        }
    }

    /// <summary>Queues an event for a stream of the outbox stream provider. A default event id gets a fresh one.</summary>
    public void Publish<T>(StreamId stream, T item, Guid eventId = default)
        where T : notnull
    {
        EnsureTurnsEnd();
        var message = StreamPayload.CreateMessage(stream, item, eventId == Guid.Empty ? Guid.CreateVersion7() : eventId, _time.GetUtcNow(), _json);
        lock (_lock)
        {
            (_messages ??= []).Add(message);
        }
    }

    /// <summary>Queues domain rows to be written with the next state write.</summary>
    public void Attach(IStateWriteAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        EnsureTurnsEnd();
        lock (_lock)
        {
            (_attachments ??= []).Add(attachment);
        }
    }

    /// <summary>
    /// Registers (or moves) this grain's one-shot reminder <paramref name="name"/>, due at <paramref name="dueAt"/>, with
    /// the next state write. It fires once through <see cref="IRemindable.ReceiveReminder(string, TickStatus)"/>, late
    /// rather than never when no silo ran at its time.
    /// </summary>
    public void RegisterReminder(string name, DateTimeOffset dueAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Attach(new ReminderChange(GrainId, name, dueAt));
    }

    /// <summary>Removes this grain's reminder <paramref name="name"/> (if there is one) with the next state write.</summary>
    public void UnregisterReminder(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Attach(new ReminderChange(GrainId, name, null));
    }

    /// <summary>The next write moves only the version (with the events and attachments) and keeps the stored state.</summary>
    internal void KeepStoredState()
    {
        lock (_lock)
        {
            _keepStoredState = true;
        }
    }

    /// <summary>Takes what the next write commits.</summary>
    public (IReadOnlyList<OutboxMessage> Messages, IReadOnlyList<IStateWriteAttachment> Attachments, bool KeepStoredState) TakePending()
    {
        lock (_lock)
        {
            IReadOnlyList<OutboxMessage> messages = _messages ?? (IReadOnlyList<OutboxMessage>)[];
            IReadOnlyList<IStateWriteAttachment> attachments = _attachments ?? (IReadOnlyList<IStateWriteAttachment>)[];
            var keep = _keepStoredState;
            _messages = null;
            _attachments = null;
            _keepStoredState = false;
            return (messages, attachments, keep);
        }
    }

    /// <summary>
    /// Runs one turn of the grain (its incoming call filter): a turn that failed leaves nothing queued for the next write
    /// (the change did not happen, so neither do its events), and events raised by a turn that wrote no state are appended
    /// on their own before the caller hears back, so their order with later turns holds.
    /// </summary>
    public async Task EndTurnAsync(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.Invoke();
        }
        catch
        {
            TakePending();
            throw;
        }

        if (HasPending)
        {
            await FlushAsync();
        }
    }

    // Appends events queued by a turn that wrote no state. Attachments cannot go out without a state write.
    private async Task FlushAsync()
    {
        var (messages, attachments, _) = TakePending();
        if (attachments.Count > 0)
        {
            throw new InvalidOperationException(
                $"{GrainId} attached domain rows but wrote no state in that turn; attachments commit only with a state write.");
        }

        if (messages.Count > 0)
        {
            await _store.AppendAsync(messages, CancellationToken.None);
            _commits.Committed(messages);
        }
    }

    // Without the filter a failed turn's events would go out with the next write, and a stateless turn's never.
    private void EnsureTurnsEnd()
    {
        if (_activation.GrainInstance is { } grain and not IIncomingGrainCallFilter)
        {
            throw new InvalidOperationException(
                $"{grain.GetType().Name} takes a {nameof(GrainOutbox)} but does not end its turns through it: implement IIncomingGrainCallFilter as outbox.EndTurnAsync(context).");
        }
    }

    private sealed record Slot(GrainOutbox Outbox);
}

/// <summary>Writes through the outbox that do not rewrite the state.</summary>
public static class OutboxStateExtensions
{
    /// <summary>
    /// Commits the turn's events and attachments with a version bump as <see cref="IStorage.WriteStateAsync()"/> does, but
    /// keeps the stored state as it is instead of writing it again: for turns that changed only rows beside the state.
    /// The state must not have changed since it was read or last written. Without a record it writes the state.
    /// </summary>
    public static Task CommitWithoutStateAsync<TState>(this IPersistentState<TState> state, GrainOutbox outbox)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(outbox);
        if (state.RecordExists)
        {
            outbox.KeepStoredState();
        }

        return state.WriteStateAsync();
    }
}

/// <summary>The JSON settings grain state and stream payloads of the outbox storage are stored with.</summary>
public sealed class GrainStateJson
{
    public JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        // Fields stay out; records and classes with properties round-trip.
        IncludeFields = false,
    };
}
