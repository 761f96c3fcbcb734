namespace Scheduling.Grains.Storage.Memory;

/// <summary>
/// The embedded storage provider: grain state, outbox and reminders in process memory, with the same
/// versioning, all-or-nothing writes, claims and leases as PostgreSQL. One lock guards everything, so a
/// state write, its outbox messages and its attachments are applied together or not at all.
/// </summary>
public sealed class MemoryStore : IStateStore, IOutboxStore, IOneShotReminderTable, IStorageHealth
{
    private readonly Lock _lock = new();
    private readonly Dictionary<GrainStateKey, StoredState> _states = [];
    // Undelivered messages by queue, in sequence order; where each is (by event id and by sequence); the dead letters.
    private readonly Dictionary<int, SortedSet<(long Sequence, OutboxMessage Message)>> _pending = [];
    private readonly Dictionary<Guid, (int Queue, long Sequence)> _byEvent = [];
    private readonly Dictionary<long, int> _queueOf = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly Dictionary<(GrainId, string), ReminderEntry> _reminders = [];

    // The leases of claimed reminders (few: the firings in flight), apart from the reminders themselves, which stay in
    // memory for every appointment: each object kept per booking lengthens the collections that set the p99.
    private readonly Dictionary<(GrainId, string), DateTimeOffset> _reminderLeases = [];
    private readonly Dictionary<Type, IMemoryAttachmentWriter> _attachmentWriters;
    private long _sequence;
    private long _reminderVersion;

    // No reminder can be claimed before this (a lower bound; the table's earliest claimable time after the last claim
    // that read it, lowered by every registration since). Every appointment has a reminder, so the table grows with the
    // bookings: a claim that read it whole every poll held the lock, and every write behind it, longer and longer.
    private DateTimeOffset _remindersClaimableFrom = DateTimeOffset.MaxValue;

    public MemoryStore(IEnumerable<IMemoryAttachmentWriter>? attachmentWriters = null)
    {
        _attachmentWriters = (attachmentWriters ?? []).ToDictionary(w => w.AttachmentType);
    }

    public string ProviderName => "memory";

    public Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_states.TryGetValue(key, out var stored) ? stored with { Payload = stored.Payload?.ToArray() } : null);
        }
    }

    public Task<long> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken)
    {
        if (write.KeepPayload && write.ExpectedVersion == 0)
        {
            throw new ArgumentException("A write that keeps the stored payload needs a stored record (expected version above 0).", nameof(write));
        }

        lock (_lock)
        {
            var current = _states.TryGetValue(write.Key, out var stored) ? stored.Version : 0;
            if (current != write.ExpectedVersion)
            {
                throw new Orleans.Storage.InconsistentStateException(
                    $"Version conflict writing {write.Key}: expected {write.ExpectedVersion}, stored {current}.",
                    current.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    write.ExpectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            // Check everything before changing anything: that is what makes the write all-or-nothing.
            ValidateNewEvents(write.Outbox);
            // Reminder changes are the store's own (no writer): they cannot fail. Every other kind goes to its writer
            // as one list, as the PostgreSQL provider hands it to its writer.
            var byWriter = ByWriter(write.Attachments);
            foreach (var (writer, attachments) in byWriter)
            {
                writer.Validate(attachments);
            }

            var version = current + 1;
            _states[write.Key] = write.KeepPayload ? stored! with { Version = version } : new StoredState(write.Payload?.ToArray(), version);
            AppendUnlocked(write.Outbox);
            foreach (var reminder in write.Attachments.OfType<ReminderChange>())
            {
                ApplyUnlocked(reminder);
            }

            foreach (var (writer, attachments) in byWriter)
            {
                writer.Apply(attachments);
            }

            return Task.FromResult(version);
        }
    }

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task AppendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ValidateNewEvents(messages);
            AppendUnlocked(messages);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadAsync(int queue, OutboxCursor after, int max, CancellationToken cancellationToken)
    {
        var read = new List<OutboxRecord>();
        lock (_lock)
        {
            if (_pending.TryGetValue(queue, out var rows))
            {
                foreach (var (sequence, message) in rows.GetViewBetween((Math.Max(after.Sequence, 0) + 1, null!), (long.MaxValue, null!)))
                {
                    if (read.Count >= max)
                    {
                        break;
                    }

                    read.Add(new OutboxRecord(new OutboxCursor(0, sequence), message));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<OutboxRecord>>(read);
    }

    public Task CompleteAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var sequence in sequences)
            {
                RemovePendingUnlocked(sequence);
            }
        }

        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(long sequence, string reason, DateTimeOffset failedAt, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (RemovePendingUnlocked(sequence) is { } message)
            {
                _deadLetters.Add(new DeadLetter(sequence, message, failedAt, reason));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>([.. Enumerable.Reverse(_deadLetters).Take(max)]);
        }
    }

    public Task<OutboxStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // The oldest by creation, not by sequence: an event is stamped when raised and sequenced when its write commits.
            var oldest = _byEvent.Count == 0 ? TimeSpan.Zero : now - _pending.Values.SelectMany(q => q).Min(e => e.Message.CreatedAt);
            return Task.FromResult(new OutboxStats(_byEvent.Count, oldest < TimeSpan.Zero ? TimeSpan.Zero : oldest, _deadLetters.Count));
        }
    }

    public Task<ReminderEntry> UpsertAsync(GrainId grainId, string name, DateTimeOffset dueAt, TimeSpan period, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(UpsertUnlocked(grainId, name, dueAt, period));
        }
    }

    // Caller holds _lock. Versions come from one counter, so a reminder removed and registered again never reuses one.
    private ReminderEntry UpsertUnlocked(GrainId grainId, string name, DateTimeOffset dueAt, TimeSpan period)
    {
        var entry = new ReminderEntry(grainId, name, dueAt, period, ++_reminderVersion);
        SetReminderUnlocked(entry);
        return entry;
    }

    // Caller holds _lock. A new row has no lease.
    private void SetReminderUnlocked(ReminderEntry entry)
    {
        _reminders[(entry.GrainId, entry.Name)] = entry;
        _reminderLeases.Remove((entry.GrainId, entry.Name));
        if (entry.DueAt < _remindersClaimableFrom)
        {
            _remindersClaimableFrom = entry.DueAt;
        }
    }

    // Caller holds _lock.
    private void ApplyUnlocked(ReminderChange change)
    {
        if (change.DueAt is { } dueAt)
        {
            UpsertUnlocked(change.GrainId, change.Name, dueAt, TimeSpan.Zero);
        }
        else
        {
            RemoveReminderUnlocked((change.GrainId, change.Name));
        }
    }

    public Task<bool> RemoveAsync(GrainId grainId, string name, long? version, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_reminders.TryGetValue((grainId, name), out var entry) && (version is null || entry.Version == version))
            {
                RemoveReminderUnlocked((grainId, name));
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }

    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_reminders.GetValueOrDefault((grainId, name)));
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>(
                [.. _reminders.Values.Where(e => e.GrainId == grainId).OrderBy(e => e.Name, StringComparer.Ordinal)]);
        }
    }

    public Task<IReadOnlyList<ReminderEntry>> ClaimDueAsync(string owner, DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (now < _remindersClaimableFrom)
            {
                return Task.FromResult<IReadOnlyList<ReminderEntry>>([]);
            }

            var claimed = _reminders.Values
                .Where(e => ClaimableAtUnlocked(e) <= now)
                .OrderBy(e => e.DueAt)
                .Take(max)
                .ToList();
            foreach (var entry in claimed)
            {
                _reminderLeases[(entry.GrainId, entry.Name)] = now + lease;
            }

            _remindersClaimableFrom = _reminders.Count == 0 ? DateTimeOffset.MaxValue : _reminders.Values.Min(ClaimableAtUnlocked);

            return Task.FromResult<IReadOnlyList<ReminderEntry>>(claimed);
        }
    }

    public Task CompleteFiringAsync(ReminderEntry fired, DateTimeOffset? nextDue, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var key = (fired.GrainId, fired.Name);
            if (_reminders.TryGetValue(key, out var entry) && entry.Version == fired.Version)
            {
                if (nextDue is { } next)
                {
                    SetReminderUnlocked(entry with { DueAt = next });
                }
                else
                {
                    RemoveReminderUnlocked(key);
                }
            }
        }

        return Task.CompletedTask;
    }

    // Caller holds _lock.
    private void RemoveReminderUnlocked((GrainId, string) key)
    {
        _reminders.Remove(key);
        _reminderLeases.Remove(key);
    }

    // Caller holds _lock. When a claim may take the reminder: when due, or when its lease runs out if that is later.
    private DateTimeOffset ClaimableAtUnlocked(ReminderEntry entry) =>
        _reminderLeases.TryGetValue((entry.GrainId, entry.Name), out var until) && until > entry.DueAt ? until : entry.DueAt;

    // Caller holds _lock. The id of a message still in the outbox is refused, as PostgreSQL's unique constraint does.
    private void ValidateNewEvents(IReadOnlyList<OutboxMessage> messages)
    {
        var seen = new HashSet<Guid>();
        foreach (var message in messages)
        {
            if (_byEvent.ContainsKey(message.EventId) || !seen.Add(message.EventId))
            {
                throw new InvalidOperationException($"Outbox already holds event {message.EventId}.");
            }
        }
    }

    // Caller holds _lock and validated the messages.
    private void AppendUnlocked(IReadOnlyList<OutboxMessage> messages)
    {
        foreach (var message in messages)
        {
            var sequence = ++_sequence;
            _byEvent[message.EventId] = (message.Queue, sequence);
            if (!_pending.TryGetValue(message.Queue, out var rows))
            {
                _pending[message.Queue] = rows = new SortedSet<(long Sequence, OutboxMessage Message)>(BySequence.Instance);
            }

            rows.Add((sequence, message));
            _queueOf[sequence] = message.Queue;
        }
    }

    // Caller holds _lock. The message removed, or null when it was not pending.
    private OutboxMessage? RemovePendingUnlocked(long sequence)
    {
        if (!_queueOf.Remove(sequence, out var queue) || !_pending.TryGetValue(queue, out var rows))
        {
            return null;
        }

        var view = rows.GetViewBetween((sequence, null!), (sequence, null!));
        if (view.Count == 0)
        {
            return null;
        }

        var entry = view.Min;
        rows.Remove(entry);
        _byEvent.Remove(entry.Message.EventId);
        return entry.Message;
    }

    // The write's attachments other than reminder changes, by writer, in write order (a write has few of them).
    private List<(IMemoryAttachmentWriter Writer, List<IStateWriteAttachment> Attachments)> ByWriter(IReadOnlyList<IStateWriteAttachment> attachments)
    {
        var byWriter = new List<(IMemoryAttachmentWriter Writer, List<IStateWriteAttachment> Attachments)>();
        foreach (var attachment in attachments)
        {
            if (attachment is ReminderChange)
            {
                continue;
            }

            var writer = _attachmentWriters.TryGetValue(attachment.GetType(), out var found)
                ? found
                : throw new InvalidOperationException($"No memory attachment writer handles {attachment.GetType().Name}.");
            var index = byWriter.FindIndex(w => w.Writer == writer);
            if (index < 0)
            {
                byWriter.Add((writer, [attachment]));
            }
            else
            {
                byWriter[index].Attachments.Add(attachment);
            }
        }

        return byWriter;
    }

    private sealed class BySequence : IComparer<(long Sequence, OutboxMessage Message)>
    {
        public static readonly BySequence Instance = new();

        public int Compare((long Sequence, OutboxMessage Message) x, (long Sequence, OutboxMessage Message) y) => x.Sequence.CompareTo(y.Sequence);
    }
}
