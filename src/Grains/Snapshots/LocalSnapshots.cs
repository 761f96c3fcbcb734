using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core;

namespace Scheduling.Grains.Snapshots;

/// <summary>
/// What this silo's activations of read-mostly grains (account, service, location, holidays, session, webhook
/// subscriptions) answer to their read, published by the activations themselves (<see cref="SnapshotGrain{TSnapshot}"/>):
/// code in the same process reads it in place of a grain call (<see cref="ReadAsync{TGrain, TSnapshot}"/>), and calls
/// the grain only when it is not active here. An Orleans call costs more CPU than most of a request's own work, and a
/// booking read five of these grains.
/// <para>
/// A snapshot is published when its grain's stored state has moved and no turn of it is running, before the turn that
/// wrote answers, and withdrawn when the activation deactivates. A read that starts after a change was acknowledged
/// therefore sees it, as a call would; a read made while a change is in flight sees the state before it, like a call
/// that arrived before the change. An activation on another silo publishes there: its readers here call it.
/// </para>
/// </summary>
public sealed class LocalSnapshots
{
    private readonly ConcurrentDictionary<GrainId, Entry> _entries = new();
    private readonly ConcurrentDictionary<Type, GrainType> _types = new();

    /// <summary>The snapshot of <paramref name="grain"/> when its activation is on this silo.</summary>
    public bool TryGet<TSnapshot>(GrainId grain, out TSnapshot snapshot)
    {
        snapshot = default!;
        if (!_entries.TryGetValue(grain, out var entry))
        {
            return false;
        }

        switch (entry.Value)
        {
            case TSnapshot value:
                snapshot = value;
                return true;
            case null:
                // "No such record" is an answer too, for a reader that can take null.
                return default(TSnapshot) is null;
            default:
                return false;
        }
    }

    /// <summary>
    /// The snapshot of grain <typeparamref name="TGrain"/> <paramref name="key"/>: in place when its activation is on this
    /// silo, else its answer to <paramref name="read"/>, which must be the read whose answer the grain publishes. No grain
    /// reference is made unless the grain is called.
    /// </summary>
    public ValueTask<TSnapshot> ReadAsync<TGrain, TSnapshot>(IGrainFactory grains, long key, Func<TGrain, Task<TSnapshot>> read)
        where TGrain : IGrainWithIntegerKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(read);
        return TryGet<TSnapshot>(IdOf<TGrain>(grains, key), out var snapshot)
            ? ValueTask.FromResult(snapshot)
            : new ValueTask<TSnapshot>(read(grains.GetGrain<TGrain>(key)));
    }

    /// <summary>The id of grain <typeparamref name="TGrain"/> <paramref name="key"/>, without making a grain reference.</summary>
    public GrainId IdOf<TGrain>(IGrainFactory grains, long key)
        where TGrain : IGrainWithIntegerKey =>
        GrainId.Create(TypeOf<TGrain>(grains), GrainIdKeyExtensions.CreateIntegerKey(key));

    /// <inheritdoc cref="IdOf{TGrain}(IGrainFactory, long)"/>
    public GrainId IdOf<TGrain>(IGrainFactory grains, string key)
        where TGrain : IGrainWithStringKey =>
        GrainId.Create(TypeOf<TGrain>(grains), key);

    // The grain type an interface resolves to, learned from one reference (resolving it per read cost more than the read).
    private GrainType TypeOf<TGrain>(IGrainFactory grains)
        where TGrain : IAddressable =>
        _types.TryGetValue(typeof(TGrain), out var type)
            ? type
            : _types.GetOrAdd(typeof(TGrain), _ => grains.GetGrain(typeof(TGrain), IdSpan.Create("0")).GetGrainId().Type);

    internal void Publish(GrainId grain, object? snapshot) => _entries[grain] = new Entry(snapshot);

    internal void Withdraw(GrainId grain) => _entries.TryRemove(grain, out _);

    private sealed record Entry(object? Value);
}

/// <summary>
/// A read-mostly grain whose read answer (<see cref="CurrentSnapshot"/>, also what its read method returns) is kept in
/// the silo's <see cref="LocalSnapshots"/> while it is active. It is its own call filter: after a turn, when no other
/// turn of it is running (an interleaving turn may be), and its stored state's ETag moved since the last publication,
/// it publishes again. The in-memory state then equals the stored one, so an uncommitted change is never published.
/// Derived grains that override <see cref="OnActivateAsync"/> or <see cref="OnDeactivateAsync"/> call the base.
/// </summary>
public abstract class SnapshotGrain<TSnapshot> : Grain, IIncomingGrainCallFilter
{
    private LocalSnapshots? _snapshots;
    private int _turns;
    private string? _publishedEtag;

    /// <summary>The state whose version says whether the snapshot changed.</summary>
    protected abstract IStorage SnapshotState { get; }

    /// <summary>What the grain's read answers now.</summary>
    protected abstract TSnapshot CurrentSnapshot();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _snapshots = ServiceProvider.GetRequiredService<LocalSnapshots>();
        Publish();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _snapshots?.Withdraw(this.GetGrainId());
        _snapshots = null;
        return Task.CompletedTask;
    }

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        _turns++;
        try
        {
            await context.Invoke();
        }
        finally
        {
            if (--_turns == 0 && _snapshots is not null && SnapshotState.Etag != _publishedEtag)
            {
                Publish();
            }
        }
    }

    private void Publish()
    {
        _publishedEtag = SnapshotState.Etag;
        _snapshots?.Publish(this.GetGrainId(), CurrentSnapshot());
    }
}
