using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Scheduling.Runtime.Dispatch;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Telemetry;

namespace Scheduling.Runtime.Activations;

/// <summary>
/// The activations of this silo, by grain id. Any silo may activate any grain (no directory): a
/// conditional state write keeps two silos' activations of one grain from both committing, and
/// change notifications from other silos drop stale local activations.
/// </summary>
internal sealed class Catalog : IGrainChangeSink
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly GrainRuntime _runtime;

    public Catalog(GrainRuntime runtime, ILogger<Catalog> logger, IMeterFactory meterFactory)
    {
        _runtime = runtime;
        Logger = logger;
        // Per silo, through the container's meter factory, so the gauge goes away with the silo.
        meterFactory.Create(RuntimeTelemetry.MeterName).CreateObservableUpDownCounter(
            "scheduling.grain.activations", () => _activations.Count, "{activation}", "Activations currently alive in this silo.");
    }

    public ILogger Logger { get; }

    public int Count => _activations.Count;

    /// <summary>Routes a request to the grain's activation, creating it when needed; returns the activation reached.</summary>
    public ActivationData Dispatch(GrainId grainId, GrainClassInfo grainClass, GrainRequest request)
    {
        while (true)
        {
            var activation = _activations.GetOrAdd(
                grainId,
                static (id, state) => new ActivationData(id, state.grainClass, state.runtime),
                (grainClass, runtime: _runtime));
            if (activation.TryEnqueue(request))
            {
                return activation;
            }

            // It went away between lookup and enqueue: drop it and try a fresh one.
            _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(grainId, activation));
        }
    }

    /// <summary>Routes a request by grain id alone (reminders, stream deliveries).</summary>
    public ActivationData Dispatch(GrainId grainId, GrainRequest request)
    {
        if (!_runtime.Registry.TryGetByGrainType(grainId.Type, out var grainClass))
        {
            throw new InvalidOperationException($"No grain class has grain type '{grainId.Type}' (grain {grainId}).");
        }

        return Dispatch(grainId, grainClass, request);
    }

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    public bool TryGetActivation(GrainId grainId, out ActivationData activation) =>
        _activations.TryGetValue(grainId, out activation!);

    /// <summary>Starts deactivating every activation idle longer than its collection age; returns how many.</summary>
    public int CollectIdleActivations()
    {
        var now = _runtime.Time.GetUtcNow();
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.TryCollectIdle(now, activation.GrainClass.CollectionAge ?? _runtime.Options.CollectionAge))
            {
                collected++;
            }
        }

        return collected;
    }

    public void FailTimedOutRequests()
    {
        var now = _runtime.Time.GetTimestamp();
        foreach (var activation in _activations.Values)
        {
            activation.FailTimedOut(now, _runtime.Options.ResponseTimeout);
        }
    }

    /// <summary>Deactivates everything (silo shutdown) and waits until the activations are gone or the token fires.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        foreach (var activation in _activations.Values)
        {
            activation.RequestDeactivation(DeactivationReason.ShuttingDown);
        }

        while (!_activations.IsEmpty && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public void OnStateChanged(GrainStateKey key, long version)
    {
        if (_activations.TryGetValue(key.GrainId, out var activation))
        {
            activation.OnRemoteStateChanged(key.StateName, version);
        }
    }

    public void OnNotificationsMissed()
    {
        foreach (var activation in _activations.Values)
        {
            activation.RequestDeactivation(DeactivationReason.RemoteChange);
        }
    }
}
