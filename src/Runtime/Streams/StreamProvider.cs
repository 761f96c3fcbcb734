using Scheduling.Runtime.Activations;
using Scheduling.Runtime.Storage;

namespace Scheduling.Runtime.Streams;

/// <summary>The silo's stream provider: every publish goes through the durable outbox.</summary>
internal sealed class StreamProvider(IOutboxStore outbox, LocalDeliveries deliveries, GrainStateJson json, TimeProvider time) : IStreamProvider
{
    public const string DefaultName = "Default";

    public string Name => DefaultName;

    public IAsyncStream<T> GetStream<T>(StreamId streamId)
        where T : notnull => new OutboxStream<T>(this, streamId);

    private async Task PublishAsync<T>(StreamId streamId, T item, Guid eventId)
        where T : notnull
    {
        var message = StreamPayload.CreateMessage(streamId, item, eventId, time.GetUtcNow(), json.Options);
        var lease = deliveries.Lease();
        await outbox.AppendAsync([message], lease, CancellationToken.None);
        deliveries.Committed([message], lease);
    }

    private sealed class OutboxStream<T>(StreamProvider provider, StreamId streamId) : IAsyncStream<T>
        where T : notnull
    {
        public StreamId StreamId => streamId;

        public Task OnNextAsync(T item, StreamSequenceToken? token = null) =>
            provider.PublishAsync(streamId, item, token?.EventId ?? Guid.CreateVersion7());
    }
}

/// <summary>A level-triggered wake-up for the stream pump.</summary>
internal sealed class OutboxSignal : WakeSignal, IOutboxSignal;
