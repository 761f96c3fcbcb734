using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using Scheduling.Grains.Storage;

namespace Scheduling.Silo.Streams;

/// <summary>
/// The outbox stream provider: an Orleans persistent stream provider whose queues are the outbox table. Grains do not
/// publish through Orleans: their events are rows written in the same transaction as their state (<see cref="GrainOutbox"/>),
/// which is what makes an acknowledged change always produce its events. Orleans balances the queues across silos
/// (one pulling agent per queue in the cluster); each agent's receiver reads its queue in commit order, hands the events
/// to the implicit subscribers through Orleans' cache, and deletes them once delivered. A crash between commit and delivery
/// loses nothing: the rows stay, and the queue's next owner reads them again (at least once; consumers de-duplicate by
/// event id). An event whose delivery keeps failing is dead-lettered, not purged.
/// </summary>
public sealed class OutboxQueueAdapterFactory(
    string providerName,
    IOutboxStore store,
    GrainStateJson json,
    OutboxStreamTelemetry telemetry,
    OutboxCommits commits,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IOptions<OutboxStreamOptions> options,
    ILoggerFactory loggerFactory) : IQueueAdapterFactory, IQueueAdapter
{
    private readonly SimpleQueueAdapterCache _cache = new(new SimpleQueueCacheOptions(), providerName, loggerFactory);

    /// <summary>The factory Orleans' <c>AddPersistentStreams</c> calls for the provider <paramref name="name"/>.</summary>
    public static IQueueAdapterFactory Create(IServiceProvider services, string name) =>
        ActivatorUtilities.CreateInstance<OutboxQueueAdapterFactory>(services, name);

    public string Name => providerName;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => OutboxQueues.Mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new OutboxDeadLetters(store, time, telemetry, lifetime, loggerFactory.CreateLogger<OutboxDeadLetters>()));

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        // Real time on purpose: a polling pace, not logic a test clock should drive.
        new OutboxQueueReceiver((int)queueId.GetNumericId(), store, json, telemetry, commits, TimeProvider.System, options.Value.IdlePollInterval);

    /// <summary>
    /// A publish through Orleans' stream API (not from a grain's outbox): appended to the outbox on its own, so it takes
    /// the same path to the subscribers.
    /// </summary>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = time.GetUtcNow();
        var messages = events.Select(e => StreamPayload.CreateMessage<object>(streamId, e!, Guid.CreateVersion7(), now, json.Options)).ToList();
        await store.AppendAsync(messages, CancellationToken.None);
        commits.Committed(messages);
    }
}

/// <summary>
/// Reads one queue of the outbox for its pulling agent: at once after this silo committed to the queue or while reads
/// keep finding events, else every idle poll interval (for events other silos committed), instead of at every tick of
/// the agent.
/// </summary>
internal sealed class OutboxQueueReceiver(
    int queue,
    IOutboxStore store,
    GrainStateJson json,
    OutboxStreamTelemetry telemetry,
    OutboxCommits commits,
    TimeProvider time,
    TimeSpan idlePollInterval) : IQueueAdapterReceiver
{
    private const int DefaultBatch = 256;

    private long _lastReadTimestamp;
    private bool _lastReadFound = true;

    // Where this receiver stands in its queue. A new receiver (this silo took the queue over, or started) reads from the
    // beginning: what is still in the outbox was not delivered, whoever read it before.
    private OutboxCursor _after = OutboxCursor.Start;

    public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
    {
        var committedHere = commits.TakeDirty(queue);
        if (!committedHere && !_lastReadFound && time.GetElapsedTime(_lastReadTimestamp) < idlePollInterval)
        {
            return [];
        }

        _lastReadTimestamp = time.GetTimestamp();
        var records = await store.ReadAsync(queue, _after, maxCount > 0 ? maxCount : DefaultBatch, CancellationToken.None);
        _lastReadFound = records.Count > 0;
        if (records.Count == 0)
        {
            return [];
        }

        _after = records[^1].Position;
        var batch = new List<IBatchContainer>(records.Count);
        foreach (var record in records)
        {
            var message = record.Message;
            batch.Add(new OutboxBatchContainer(
                StreamId.Create(message.StreamNamespace, message.StreamKey),
                StreamPayload.Read(message, json.Options),
                new OutboxSequenceToken(record.Sequence, message.EventId)));
        }

        telemetry.Read(batch.Count);
        return batch;
    }

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        // Not cancellable: delivered work must be recorded even while the silo stops, or it goes out again.
        await store.CompleteAsync([.. messages.Select(m => m.SequenceToken.SequenceNumber)], CancellationToken.None);
        telemetry.Delivered(messages.Count);
    }

    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
}

/// <summary>Settings of the outbox stream provider, bound from configuration section "Streams:Outbox".</summary>
public sealed class OutboxStreamOptions
{
    public const string SectionName = "Streams:Outbox";

    /// <summary>How often a receiver reads its queue when this silo committed nothing to it (events of other silos).</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>One outbox event as Orleans' cache and pulling agent carry it to the subscribers (across silos too).</summary>
[GenerateSerializer]
[Immutable]
[Alias("scheduling.outbox-batch")]
public sealed class OutboxBatchContainer(StreamId streamId, object item, OutboxSequenceToken token) : IBatchContainer
{
    [Id(0)]
    public StreamId StreamId { get; } = streamId;

    [Id(1)]
    public object Item { get; } = item;

    [Id(2)]
    public OutboxSequenceToken Token { get; } = token;

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Item is T typed ? [Tuple.Create(typed, (StreamSequenceToken)Token)] : [];

    public bool ImportRequestContext() => false;
}

/// <summary>
/// What happens to an event Orleans gave up delivering (after <see cref="StreamPullingAgentOptions.MaxEventDeliveryTime"/>
/// of retries): it moves to the dead letters, with the reason, before Orleans drops it from its cache. The subscription
/// stays: the stream's next events are delivered as usual. A silo that is stopping gives up at once on what it was still
/// retrying: those events stay in the outbox for the queue's next owner instead.
/// </summary>
internal sealed partial class OutboxDeadLetters(
    IOutboxStore store,
    TimeProvider time,
    OutboxStreamTelemetry telemetry,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxDeadLetters> logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamId, StreamSequenceToken? sequenceToken) =>
        DeadLetterAsync(streamId, sequenceToken, "delivery to the subscriber kept failing");

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamId, StreamSequenceToken? sequenceToken) =>
        DeadLetterAsync(streamId, sequenceToken, "the subscription failed");

    private async Task DeadLetterAsync(StreamId streamId, StreamSequenceToken? token, string reason)
    {
        if (token is not OutboxSequenceToken outboxToken)
        {
            return;
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            LogLeftForNextOwner(logger, outboxToken.EventId, streamId.ToString());
            return;
        }

        await store.DeadLetterAsync(outboxToken.SequenceNumber, reason, time.GetUtcNow(), CancellationToken.None);
        telemetry.DeadLettered();
        LogDeadLettered(logger, outboxToken.EventId, streamId.ToString(), reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} of stream {StreamId} was not delivered before the silo stopped; it stays in the outbox for the queue's next owner")]
    private static partial void LogLeftForNextOwner(ILogger logger, Guid eventId, string streamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} of stream {StreamId} was dead-lettered: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, Guid eventId, string streamId, string reason);
}
