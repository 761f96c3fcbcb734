using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduling.Runtime.Activations;
using Scheduling.Runtime.Dispatch;
using Scheduling.Runtime.Hosting;
using Scheduling.Runtime.Storage;

namespace Scheduling.Runtime.Streams;

/// <summary>
/// The stream pump: delivers committed outbox messages to the implicit subscribers of their namespace (the grain keyed
/// by the stream key). Messages this silo committed come from memory, born leased to it (<see cref="LocalDeliveries"/>);
/// the rest (other silos' rows, lapsed leases, retries) are claimed under a lease, on a signal or every poll interval.
/// Messages of one stream are delivered in order; a failed delivery is retried with backoff, so delivery is at least once.
/// </summary>
internal sealed class StreamDeliveryService(
    IOutboxStore outbox,
    IOutboxSignal signal,
    LocalDeliveries local,
    Catalog catalog,
    GrainClassRegistry registry,
    GrainStateJson json,
    TimeProvider time,
    IOptions<GrainRuntimeOptions> options,
    ILogger<StreamDeliveryService> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<(Type Grain, Type Payload), Subscription?> _subscriptions = new();
    private readonly GrainRuntimeOptions _options = options.Value;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private DateTimeOffset _nextClaim = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.WorkersEnabled)
        {
            return;
        }

        local.Open();
        try
        {
            await PumpAsync(stoppingToken);
        }
        finally
        {
            // What was committed leased to this silo but not delivered goes back at once, not after its lease.
            var left = local.Close();
            try
            {
                await outbox.ReleaseAsync(left, time.GetUtcNow(), "its silo stopped before delivering it", CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The rows stay leased and come back when the lease runs out, as after a crash.
                logger.LogWarning(ex, "Could not give back {Count} undelivered outbox messages at stop; they return after their lease", left.Count);
            }
        }
    }

    private async Task PumpAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DeliverOnceAsync(stoppingToken) == 0)
                {
                    await signal.WaitAsync(_options.StreamPollInterval, stoppingToken);
                    if (_options.StreamBatchDelay > TimeSpan.Zero)
                    {
                        // Real time on purpose: a throughput pause, not logic a test clock should drive.
                        await Task.Delay(_options.StreamBatchDelay, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Stream delivery pass failed");
                await signal.WaitAsync(_options.StreamPollInterval, stoppingToken);
            }
        }
    }

    /// <summary>
    /// One pass: this silo's own committed messages, then a claim when nothing of its own was waiting or the poll
    /// interval has passed; returns how many messages it took.
    /// </summary>
    public async Task<int> DeliverOnceAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var own = local.Take(_options.WorkBatchSize);
            await DeliverAsync([.. own.Select(m => new Delivery(m, 0))]);
            var now = time.GetUtcNow();
            if (own.Count > 0 && now < _nextClaim)
            {
                return own.Count;
            }

            _nextClaim = now + _options.StreamPollInterval;
            var claimed = await outbox.ClaimAsync(_options.SiloName, _options.WorkBatchSize, _options.WorkLease, now, cancellationToken);
            await DeliverAsync([.. claimed.Select(r => new Delivery(r.Message, r.Attempts))]);
            return own.Count + claimed.Count;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    // Delivers stream by stream, each in the order given (commit or sequence order), and records what went out.
    private async Task DeliverAsync(Delivery[] deliveries)
    {
        if (deliveries.Length == 0)
        {
            return;
        }

        var streams = deliveries
            .GroupBy(d => (d.Message.StreamNamespace, d.Message.StreamKey))
            .Select(g => DeliverStreamAsync([.. g]));
        var delivered = (await Task.WhenAll(streams)).SelectMany(d => d).ToList();
        if (delivered.Count > 0)
        {
            // Not cancellable: delivered work must be recorded even while the silo stops, or it goes out again after the lease.
            await outbox.CompleteAsync(delivered, CancellationToken.None);
        }
    }

    // Delivers in order; after a failure the rest of the stream waits for the retry, so order holds.
    private async Task<List<Guid>> DeliverStreamAsync(Delivery[] deliveries)
    {
        var delivered = new List<Guid>(deliveries.Length);
        for (var i = 0; i < deliveries.Length; i++)
        {
            var (message, attempts) = deliveries[i];
            try
            {
                await DeliverAsync(message);
                delivered.Add(message.EventId);
            }
            catch (Exception ex)
            {
                var retryAt = time.GetUtcNow() + Backoff(attempts);
                logger.LogWarning(ex, "Delivery of event {EventId} on stream {Namespace}/{Key} failed (attempt {Attempt}); retry at {RetryAt}",
                    message.EventId, message.StreamNamespace, message.StreamKey, attempts + 1, retryAt);
                await outbox.ReleaseAsync([message.EventId], retryAt, ex.Message, CancellationToken.None);
                if (i + 1 < deliveries.Length)
                {
                    await outbox.ReleaseAsync([.. deliveries[(i + 1)..].Select(d => d.Message.EventId)], retryAt, "waiting for an earlier event of its stream", CancellationToken.None);
                }

                break;
            }
        }

        return delivered;
    }

    private async Task DeliverAsync(OutboxMessage message)
    {
        var subscribers = registry.GetImplicitSubscribers(message.StreamNamespace);
        if (subscribers.Count == 0)
        {
            return;
        }

        var item = StreamPayload.Read(message, json.Options);
        var token = new StreamSequenceToken(message.EventId);
        foreach (var subscriber in subscribers)
        {
            var subscription = _subscriptions.GetOrAdd((subscriber.ClassType, item.GetType()), static key => Subscribe(key.Grain, key.Payload))
                ?? throw new InvalidOperationException(
                    $"{subscriber.ClassType.Name} subscribes to '{message.StreamNamespace}' but implements no IAsyncObserver<T> for {item.GetType().Name}.");
            if (subscription.Wants is { } wants && !wants(item))
            {
                continue;
            }

            var invoker = subscription.Invoke;
            var grainId = GrainId.Create(subscriber.GrainType, message.StreamKey);

            // A stale activation (another silo wrote the grain meanwhile) wrote nothing and was dropped: the next
            // attempt reaches a fresh one that decides from what is stored, without waiting for the stream's backoff.
            await StaleActivation.RetryAsync(async () =>
            {
                var request = new GrainRequest<object?>(
                    $"{subscriber.ClassType.Name}.OnNextAsync",
                    (grain, _) => invoker(grain, item, token),
                    null);
                request.CallerContext = ExecutionContext.Capture();
                catalog.Dispatch(grainId, subscriber, request);
                return await request.Task;
            });
        }
    }

    private static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(attempts, 10))));

    // How to hand a payload type to a grain class: its observer method and, when it filters, its filter.
    private static Subscription? Subscribe(Type grainClass, Type payloadType)
    {
        var observed = ItemTypeOf(grainClass, typeof(IAsyncObserver<>), payloadType);
        if (observed is null)
        {
            return null;
        }

        var invoke = typeof(StreamDeliveryService)
            .GetMethod(nameof(Observe), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(observed)
            .CreateDelegate<Func<object, object, StreamSequenceToken, Task>>();
        var filtered = ItemTypeOf(grainClass, typeof(IImplicitSubscriptionFilter<>), payloadType);
        var wants = filtered is null ? null : typeof(StreamDeliveryService)
            .GetMethod(nameof(Wants), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(grainClass, filtered)
            .CreateDelegate<Func<object, bool>>();
        return new Subscription(invoke, wants);
    }

    // The item type T of the grain's generic interface (IAsyncObserver<T> or its filter) that takes the payload type.
    private static Type? ItemTypeOf(Type grainClass, Type genericInterface, Type payloadType) =>
        grainClass.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == genericInterface)
            .Select(i => i.GetGenericArguments()[0])
            .FirstOrDefault(itemType => itemType.IsAssignableFrom(payloadType));

    private static Task Observe<T>(object grain, object item, StreamSequenceToken token) =>
        ((IAsyncObserver<T>)grain).OnNextAsync((T)item, token);

    private static bool Wants<TGrain, T>(object item)
        where TGrain : IImplicitSubscriptionFilter<T> =>
        TGrain.Wants((T)item);

    private sealed record Subscription(Func<object, object, StreamSequenceToken, Task> Invoke, Func<object, bool>? Wants);

    // A message to deliver and how many attempts came before this one.
    private readonly record struct Delivery(OutboxMessage Message, int Attempts);
}
