using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Streams;

namespace Scheduling.Runtime.Activations;

/// <summary>The per-activation outbox: events and attachments waiting for the next state write.</summary>
internal sealed class GrainOutbox(ActivationData activation) : IGrainOutbox
{
    private readonly Lock _lock = new();
    private List<OutboxMessage>? _messages;
    private List<IStateWriteAttachment>? _attachments;

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

    public void Publish<T>(StreamId stream, T item, Guid eventId = default)
        where T : notnull
    {
        var message = StreamPayload.CreateMessage(
            stream,
            item,
            eventId == Guid.Empty ? Guid.CreateVersion7() : eventId,
            activation.Runtime.Time.GetUtcNow(),
            activation.Runtime.Services.GetRequiredService<GrainStateJson>().Options);
        lock (_lock)
        {
            (_messages ??= []).Add(message);
        }
    }

    public void Attach(IStateWriteAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        lock (_lock)
        {
            (_attachments ??= []).Add(attachment);
        }
    }

    public (IReadOnlyList<OutboxMessage> Messages, IReadOnlyList<IStateWriteAttachment> Attachments) TakePending()
    {
        lock (_lock)
        {
            IReadOnlyList<OutboxMessage> messages = _messages ?? (IReadOnlyList<OutboxMessage>)[];
            IReadOnlyList<IStateWriteAttachment> attachments = _attachments ?? (IReadOnlyList<IStateWriteAttachment>)[];
            _messages = null;
            _attachments = null;
            return (messages, attachments);
        }
    }

    public void Discard() => TakePending();

    /// <summary>Publishes events queued by a turn that wrote no state. Attachments cannot go out without a state write.</summary>
    public async Task FlushAsync()
    {
        var (messages, attachments) = TakePending();
        if (attachments.Count > 0)
        {
            throw new InvalidOperationException(
                $"{activation.GrainId} attached domain rows but wrote no state in that turn; attachments commit only with WriteStateAsync.");
        }

        if (messages.Count > 0)
        {
            var deliveries = activation.Runtime.Deliveries;
            var lease = deliveries.Lease();
            await activation.Runtime.Services.GetRequiredService<IOutboxStore>().AppendAsync(messages, lease, CancellationToken.None);
            deliveries.Committed(messages, lease);
        }
    }
}
