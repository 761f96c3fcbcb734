using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Scheduling.Runtime.Hosting;
using Scheduling.Runtime.Storage;

namespace Scheduling.Runtime.Streams;

/// <summary>
/// The hand-over from this silo's commits to its own stream pump. While the pump runs, outbox rows are written born
/// leased to this silo (<see cref="Lease"/>) and, once committed, queued here with their objects: the pump delivers them
/// from memory and only marks them delivered. No claim statement, no payload read back and parsed, no NOTIFY for other
/// silos, which could not take the rows anyway. A row whose lease runs out before its turn here (a backlog, a crash) is
/// left to the claim path of any silo, like a lapsed claim; a pump that stops gives its queue back at once.
/// </summary>
internal sealed class LocalDeliveries(IOutboxSignal signal, TimeProvider time, IOptions<GrainRuntimeOptions> options)
{
    private readonly ConcurrentQueue<(OutboxMessage Message, DateTimeOffset LeaseUntil)> _queue = new();
    private readonly GrainRuntimeOptions _options = options.Value;
    private volatile bool _open;

    /// <summary>The lease for rows committed now, or null while this silo's pump is not running (others must claim them).</summary>
    public OutboxLease? Lease() => _open ? new OutboxLease(_options.SiloName, time.GetUtcNow() + _options.WorkLease) : null;

    /// <summary>After a commit: queues the messages committed under <paramref name="lease"/> and wakes the pump.</summary>
    public void Committed(IReadOnlyList<OutboxMessage> messages, OutboxLease? lease)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (lease is not null)
        {
            foreach (var message in messages)
            {
                _queue.Enqueue((message, lease.Until));
            }
        }

        signal.Signal();
    }

    public void Open() => _open = true;

    /// <summary>Up to <paramref name="max"/> queued messages in commit order, passing over those whose lease has run out.</summary>
    public List<OutboxMessage> Take(int max)
    {
        var now = time.GetUtcNow();
        var taken = new List<OutboxMessage>(Math.Min(max, _queue.Count));
        while (taken.Count < max && _queue.TryDequeue(out var queued))
        {
            if (queued.LeaseUntil > now)
            {
                taken.Add(queued.Message);
            }
        }

        return taken;
    }

    /// <summary>Stops leasing new rows to this silo and returns what is still queued, to be given back.</summary>
    public List<Guid> Close()
    {
        _open = false;
        var left = new List<Guid>();
        while (_queue.TryDequeue(out var queued))
        {
            left.Add(queued.Message.EventId);
        }

        return left;
    }
}
