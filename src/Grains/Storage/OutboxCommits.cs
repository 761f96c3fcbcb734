namespace Scheduling.Grains.Storage;

/// <summary>
/// Which outbox queues this silo committed events to since their receivers last looked. A receiver reads its queue at
/// once after a local commit to it, and otherwise only every idle interval (for what other silos committed): an idle
/// cluster then costs the database a read per queue per interval instead of one per queue every few milliseconds.
/// </summary>
public sealed class OutboxCommits
{
    private readonly int[] _dirty = new int[OutboxQueues.Count];

    public void Committed(IReadOnlyList<OutboxMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            Volatile.Write(ref _dirty[message.Queue], 1);
        }
    }

    /// <summary>True (once) when something was committed to <paramref name="queue"/> since the last call.</summary>
    public bool TakeDirty(int queue) => Interlocked.Exchange(ref _dirty[queue], 0) == 1;
}
