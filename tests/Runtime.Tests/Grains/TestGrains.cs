using System.Collections.Concurrent;
using Scheduling.Runtime.Streams;

namespace Scheduling.Runtime.Tests.Grains;

/// <summary>Shared by a silo's test grains: what happened, and gates that hold calls open.</summary>
public sealed class TestProbe
{
    private int _inside;
    private int _maxInside;

    public ConcurrentDictionary<string, int> Activations { get; } = new();

    public ConcurrentQueue<string> Deactivations { get; } = new();

    /// <summary>How many times OnActivateAsync should still fail, per grain key.</summary>
    public ConcurrentDictionary<string, int> ActivationFailures { get; } = new();

    /// <summary>Grain keys whose next OnActivateAsync waits until its cancellation token fires.</summary>
    public ConcurrentDictionary<string, bool> SlowActivations { get; } = new();

    /// <summary>Grain keys whose OnActivateAsync saw its cancellation token fire.</summary>
    public ConcurrentQueue<string> CanceledActivations { get; } = new();

    public TaskCompletionSource Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Inside => Volatile.Read(ref _inside);

    public int MaxInside => Volatile.Read(ref _maxInside);

    public void ResetGate() => Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task HoldAsync()
    {
        var now = Interlocked.Increment(ref _inside);
        int max;
        while (now > (max = Volatile.Read(ref _maxInside)) && Interlocked.CompareExchange(ref _maxInside, now, max) != max)
        {
        }

        try
        {
            await Gate.Task;
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }
}

public sealed class CounterState
{
    public int Count { get; set; }

    public List<string> Fired { get; set; } = [];
}

public sealed record CounterChanged(long Counter, int Count);

public interface ICounterGrain : IGrainWithIntegerKey
{
    /// <summary>Reads, awaits, then writes: any interleaving would lose increments.</summary>
    Task<int> IncrementAsync();

    [ReadOnly]
    Task<int> GetAsync();

    /// <summary>Sets the count and raises <see cref="CounterChanged"/> with the given event id in the same write.</summary>
    Task SetWithEventAsync(int count, Guid eventId);

    /// <summary>Raises an event without writing state.</summary>
    Task PublishOnlyAsync(Guid eventId);

    Task<int> StoredVersionAsync();

    Task RegisterReminderAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task<bool> HasReminderAsync(string name);

    [ReadOnly]
    Task<IReadOnlyList<string>> FiredAsync();

    Task StartTimerAsync(TimeSpan dueTime, TimeSpan period);

    Task DeactivateAsync();
}

public sealed class CounterGrain(
    [PersistentState("counter")] IPersistentState<CounterState> state,
    TestProbe probe) : Grain, ICounterGrain, IRemindable
{
    public const string EventsNamespace = "counter-events";

    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activations.AddOrUpdate(GrainId.Key, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Deactivations.Enqueue($"{GrainId.Key}:{reason}");
        return Task.CompletedTask;
    }

    public async Task<int> IncrementAsync()
    {
        var current = state.State.Count;
        await Task.Yield();
        await Task.Delay(1);
        state.State.Count = current + 1;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Count);

    public async Task SetWithEventAsync(int count, Guid eventId)
    {
        state.State.Count = count;
        Outbox.Publish(StreamId.Create(EventsNamespace, this.GetPrimaryKeyLong()), new CounterChanged(this.GetPrimaryKeyLong(), count), eventId);
        await state.WriteStateAsync();
    }

    public Task PublishOnlyAsync(Guid eventId)
    {
        Outbox.Publish(StreamId.Create(EventsNamespace, this.GetPrimaryKeyLong()), new CounterChanged(this.GetPrimaryKeyLong(), state.State.Count), eventId);
        return Task.CompletedTask;
    }

    public Task<int> StoredVersionAsync() => Task.FromResult(int.Parse(state.Etag ?? "0", System.Globalization.CultureInfo.InvariantCulture));

    public Task RegisterReminderAsync(string name, TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<bool> HasReminderAsync(string name) => await GetReminder(name) is not null;

    public Task<IReadOnlyList<string>> FiredAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Fired]);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Fired.Add(reminderName);
        await state.WriteStateAsync();
    }

    public Task StartTimerAsync(TimeSpan dueTime, TimeSpan period)
    {
        _timer?.Dispose();
        _timer = RegisterGrainTimer(async _ =>
        {
            state.State.Fired.Add("timer");
            await state.WriteStateAsync();
        }, dueTime, period);
        return Task.CompletedTask;
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>Records every CounterChanged it receives, keyed by counter: the implicit subscriber of counter events.</summary>
public sealed class CounterEventsState
{
    public List<Guid> EventIds { get; set; } = [];

    public List<int> Counts { get; set; } = [];
}

public interface ICounterEventsGrain : IGrainWithIntegerKey
{
    [ReadOnly]
    Task<CounterEventsState> GetAsync();
}

[ImplicitStreamSubscription(CounterGrain.EventsNamespace)]
public sealed class CounterEventsGrain([PersistentState("events")] IPersistentState<CounterEventsState> state) : Grain, ICounterEventsGrain, IAsyncObserver<CounterChanged>
{
    public Task<CounterEventsState> GetAsync() => Task.FromResult(state.State);

    public async Task OnNextAsync(CounterChanged item, StreamSequenceToken? token = null)
    {
        // At-least-once delivery: de-duplicate by event id.
        if (token is null || state.State.EventIds.Contains(token.EventId))
        {
            return;
        }

        state.State.EventIds.Add(token.EventId);
        state.State.Counts.Add(item.Count);
        await state.WriteStateAsync();
    }
}

/// <summary>Holds calls open on the probe's gate to observe which calls run together.</summary>
public interface IGateGrain : IGrainWithStringKey
{
    Task HoldAsync();

    [ReadOnly]
    Task HoldReadOnlyAsync();

    [AlwaysInterleave]
    Task HoldInterleavedAsync();
}

public sealed class GateGrain(TestProbe probe) : Grain, IGateGrain
{
    public Task HoldAsync() => probe.HoldAsync();

    public Task HoldReadOnlyAsync() => probe.HoldAsync();

    public Task HoldInterleavedAsync() => probe.HoldAsync();
}

public interface IReentrantGateGrain : IGrainWithStringKey
{
    Task HoldAsync();
}

[Reentrant]
public sealed class ReentrantGateGrain(TestProbe probe) : Grain, IReentrantGateGrain
{
    private int _turnsRunning;
    private int _maxTurnsRunning;

    public async Task HoldAsync()
    {
        // Even interleaved, turns never run in parallel: this counter is touched without a lock.
        _turnsRunning++;
        _maxTurnsRunning = Math.Max(_maxTurnsRunning, _turnsRunning);
        Thread.Sleep(2);
        _turnsRunning--;
        if (_maxTurnsRunning > 1)
        {
            throw new InvalidOperationException("Two turns of one activation ran in parallel.");
        }

        await probe.HoldAsync();
    }
}

public interface IFlakyGrain : IGrainWithStringKey
{
    Task<string> PingAsync();
}

public sealed class FlakyGrain(TestProbe probe) : Grain, IFlakyGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        if (probe.ActivationFailures.TryGetValue(key, out var left) && left > 0)
        {
            probe.ActivationFailures[key] = left - 1;
            throw new InvalidOperationException($"activation of {key} refused by the test");
        }

        if (probe.SlowActivations.TryRemove(key, out _))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                probe.CanceledActivations.Enqueue(key);
                throw;
            }
        }

        probe.Activations.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    public Task<string> PingAsync() => Task.FromResult("pong");
}

public interface IPingGrain : IGrainWithIntegerKey
{
    /// <summary>Calls the other grain, which calls back: a cycle between two non-reentrant grains.</summary>
    Task<string> PingAsync(long other, int hops);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public async Task<string> PingAsync(long other, int hops) =>
        hops == 0 ? "done" : await GrainFactory.GetGrain<IPingGrain>(other).PingAsync(this.GetPrimaryKeyLong(), hops - 1);
}

public interface IBadGrain : IGrainWithIntegerKey
{
    int NotAMessage();
}

public sealed class BadGrain : Grain, IBadGrain
{
    public int NotAMessage() => 42;
}

public interface IContextGrain : IGrainWithIntegerKey
{
    Task<string?> ReadCallerValueAsync();
}

public sealed class ContextGrain : Grain, IContextGrain
{
    public static readonly AsyncLocal<string?> CallerValue = new();

    public Task<string?> ReadCallerValueAsync() => Task.FromResult(CallerValue.Value);
}

/// <summary>
/// The implicit subscriber of "stale-once" streams: its first delivery of each event fails as a stale activation's write
/// does (InconsistentStateException); it counts every attempt and keeps the events that got through.
/// </summary>
[ImplicitStreamSubscription(Namespace)]
public sealed class StaleOnceGrain : Grain, IStaleOnceGrain, IAsyncObserver<CounterChanged>
{
    public const string Namespace = "stale-once";

    private static readonly ConcurrentDictionary<Guid, int> Attempts = new();
    private readonly List<int> _received = [];

    public Task OnNextAsync(CounterChanged item, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (Attempts.AddOrUpdate(token.EventId, 1, (_, n) => n + 1) == 1)
        {
            DeactivateOnIdle();
            throw new InconsistentStateException("stale: another silo wrote this grain", "2", "1");
        }

        _received.Add(item.Count);
        return Task.CompletedTask;
    }

    public Task<(IReadOnlyList<int> Received, int Attempts)> GetAsync(Guid eventId) =>
        Task.FromResult<(IReadOnlyList<int>, int)>((_received, Attempts.GetValueOrDefault(eventId)));
}

public interface IStaleOnceGrain : IGrainWithIntegerKey
{
    Task<(IReadOnlyList<int> Received, int Attempts)> GetAsync(Guid eventId);
}

/// <summary>A stream item the runtime may share: delivery in the publishing process can hand on the object itself.</summary>
[Orleans.Immutable]
public sealed record SharedNote(long Key, string Text);

/// <summary>The same shape without [Immutable]: every delivery gets its own copy, read from the stored payload.</summary>
public sealed record CopiedNote(long Key, string Text);

/// <summary>The implicit subscriber of "notes" streams: keeps every item it was handed, as the object it got.</summary>
[ImplicitStreamSubscription(Namespace)]
public sealed class NoteReaderGrain(TestProbe probe) : Grain, INoteReaderGrain, IAsyncObserver<SharedNote>, IAsyncObserver<CopiedNote>
{
    public const string Namespace = "notes";

    /// <summary>A shared note with this text is kept only once the probe's gate opens.</summary>
    public const string HoldText = "hold";

    public static readonly ConcurrentDictionary<long, ConcurrentQueue<object>> Received = new();

    public async Task OnNextAsync(SharedNote item, StreamSequenceToken? token = null)
    {
        if (item.Text == HoldText)
        {
            await probe.HoldAsync();
        }

        Keep(item.Key, item);
    }

    public Task OnNextAsync(CopiedNote item, StreamSequenceToken? token = null)
    {
        Keep(item.Key, item);
        return Task.CompletedTask;
    }

    private static void Keep(long key, object item) => Received.GetOrAdd(key, _ => new ConcurrentQueue<object>()).Enqueue(item);
}

public interface INoteReaderGrain : IGrainWithIntegerKey
{
}

/// <summary>
/// The implicit subscriber of "even-counts" streams, which wants only even counts: it notes each activation and keeps
/// every item it was handed, so a test sees that the odd ones neither reached nor activated it.
/// </summary>
[ImplicitStreamSubscription(Namespace)]
public sealed class EvenCountsGrain : Grain, IEvenCountsGrain, IAsyncObserver<CounterChanged>, IImplicitSubscriptionFilter<CounterChanged>
{
    public const string Namespace = "even-counts";

    public static readonly ConcurrentDictionary<long, int> Activations = new();

    public static readonly ConcurrentDictionary<long, ConcurrentQueue<int>> Received = new();

    public static bool Wants(CounterChanged item) => item.Count % 2 == 0;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Activations.AddOrUpdate(this.GetPrimaryKeyLong(), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task OnNextAsync(CounterChanged item, StreamSequenceToken? token = null)
    {
        Received.GetOrAdd(item.Counter, _ => new ConcurrentQueue<int>()).Enqueue(item.Count);
        return Task.CompletedTask;
    }
}

public interface IEvenCountsGrain : IGrainWithIntegerKey
{
}
