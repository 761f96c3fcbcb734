using Microsoft.Extensions.Logging;
using Scheduling.Runtime.Dispatch;
using Scheduling.Runtime.Telemetry;
using Scheduling.Runtime.Timers;

namespace Scheduling.Runtime.Activations;

internal enum ActivationState
{
    Creating,
    Activating,
    Valid,
    Deactivating,
    Invalid,
}

/// <summary>
/// One activation of a grain: its mailbox, its scheduler, its states and timers, and its lifecycle.
/// The mailbox starts a message only when the grain's concurrency rules allow it: one call at a time
/// unless the grain is [Reentrant], the method is [AlwaysInterleave], or all running calls and the
/// new one are [ReadOnly].
/// </summary>
internal sealed class ActivationData
{
    [ThreadStatic]
    private static ActivationData? t_constructing;

    private readonly Lock _lock = new();
    private readonly Queue<GrainRequest> _waiting = new();
    private readonly List<GrainRequest> _running = new(1);
    private readonly List<IActivationState> _states = [];
    private readonly List<GrainTimer> _timers = [];
    private ActivationState _state = ActivationState.Creating;
    private DeactivationReason? _deactivation;
    private object? _grain;
    private long _lastActivityTicks;
    private long _keepAliveUntilTicks;

    public ActivationData(GrainId grainId, GrainClassInfo grainClass, GrainRuntime runtime)
    {
        GrainId = grainId;
        GrainClass = grainClass;
        Runtime = runtime;
        Outbox = new GrainOutbox(this);
        _lastActivityTicks = runtime.Time.GetUtcNow().UtcTicks;
    }

    /// <summary>The activation whose grain constructor is running on this thread (read by <see cref="Grain"/>'s constructor).</summary>
    public static ActivationData? Constructing => t_constructing;

    public GrainId GrainId { get; }

    public GrainClassInfo GrainClass { get; }

    public GrainRuntime Runtime { get; }

    public ActivationTaskScheduler Scheduler { get; } = new();

    public GrainOutbox Outbox { get; }

    public object GrainInstance => _grain ?? throw new InvalidOperationException($"{GrainId} is not activated.");

    public IReadOnlyList<IActivationState> States => _states;

    internal ActivationState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Puts the request in this activation's mailbox. False when the activation is gone: the caller
    /// must route the request to a fresh activation through the catalog.
    /// </summary>
    public bool TryEnqueue(GrainRequest request)
    {
        var activate = false;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return false;
            }

            request.Activation = this;
            request.EnqueuedTimestamp = Runtime.Time.GetTimestamp();
            if (request.KeepsAlive)
            {
                _lastActivityTicks = Runtime.Time.GetUtcNow().UtcTicks;
            }

            if (_state == ActivationState.Creating)
            {
                _state = ActivationState.Activating;
                _waiting.Enqueue(request);
                activate = true;
            }
            else if (_state == ActivationState.Valid && _deactivation is null && CanStart(request, queued: false))
            {
                _running.Add(request);
                request.Start(Scheduler);
            }
            else
            {
                _waiting.Enqueue(request);
            }
        }

        if (activate)
        {
            StartActivation();
        }

        return true;
    }

    // Called on the scheduler when the turn begins.
    public void OnTurnStarting(GrainRequest request) =>
        RuntimeTelemetry.RecordMailboxWait(GrainClass.GrainType, Runtime.Time.GetElapsedTime(request.EnqueuedTimestamp));

    /// <summary>The grain's task for <paramref name="request"/> finished: flush its events, answer the caller, start what may start next.</summary>
    public void OnTurnCompleted(GrainRequest request, Task turn)
    {
        if (!turn.IsCompletedSuccessfully)
        {
            // The change did not happen, so neither do its events.
            Outbox.Discard();
        }
        else if (Outbox.HasPending)
        {
            // Events raised without a state write: publish them before the caller hears back, and before
            // the next message runs, so order is kept.
            Outbox.FlushAsync().ContinueWith(
                static (flush, state) =>
                {
                    var (activation, req, original) = ((ActivationData, GrainRequest, Task))state!;
                    activation.FinishTurn(req, flush.IsCompletedSuccessfully ? original : flush);
                },
                (this, request, turn),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return;
        }

        FinishTurn(request, turn);
    }

    private void FinishTurn(GrainRequest request, Task turn)
    {
        var startDeactivation = false;
        lock (_lock)
        {
            _running.Remove(request);
            if (request.KeepsAlive)
            {
                _lastActivityTicks = Runtime.Time.GetUtcNow().UtcTicks;
            }

            if (_deactivation is not null)
            {
                if (_running.Count == 0 && _state == ActivationState.Valid)
                {
                    _state = ActivationState.Deactivating;
                    startDeactivation = true;
                }
            }
            else
            {
                StartWaiting();
            }
        }

        RuntimeTelemetry.EndCall(request, GrainClass.GrainType, turn, Runtime.Time.GetElapsedTime(request.EnqueuedTimestamp));
        request.SetResult(turn);
        if (startDeactivation)
        {
            StartDeactivation();
        }
    }

    // Caller holds _lock. Starts queued messages in order while the rules allow.
    private void StartWaiting()
    {
        while (_waiting.TryPeek(out var next))
        {
            if (next.IsCompleted)
            {
                // Its caller already gave up (timeout).
                _waiting.Dequeue();
                continue;
            }

            if (!CanStart(next, queued: true))
            {
                return;
            }

            _waiting.Dequeue();
            _running.Add(next);
            next.Start(Scheduler);
        }
    }

    // Caller holds _lock.
    private bool CanStart(GrainRequest request, bool queued)
    {
        if (_running.Count == 0)
        {
            // Arrivals must not overtake messages already waiting.
            return queued || _waiting.Count == 0;
        }

        if (request.AlwaysInterleave || GrainClass.IsReentrant)
        {
            return queued || _waiting.Count == 0 || request.AlwaysInterleave;
        }

        if (request.IsReadOnly && (queued || _waiting.Count == 0))
        {
            foreach (var running in _running)
            {
                if (!running.IsReadOnly)
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    public void RequestDeactivation(DeactivationReason reason)
    {
        var start = false;
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid || _deactivation is not null)
            {
                return;
            }

            _deactivation = reason;
            if (_state == ActivationState.Valid && _running.Count == 0)
            {
                _state = ActivationState.Deactivating;
                start = true;
            }
        }

        if (start)
        {
            StartDeactivation();
        }
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        lock (_lock)
        {
            _keepAliveUntilTicks = Math.Max(_keepAliveUntilTicks, (Runtime.Time.GetUtcNow() + timeSpan).UtcTicks);
        }
    }

    /// <summary>Deactivates when idle for <paramref name="age"/> at <paramref name="now"/>; true when it started.</summary>
    public bool TryCollectIdle(DateTimeOffset now, TimeSpan age)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Valid || _running.Count > 0 || _waiting.Count > 0 || _deactivation is not null)
            {
                return false;
            }

            var idleSince = new DateTimeOffset(Math.Max(_lastActivityTicks, _keepAliveUntilTicks - age.Ticks), TimeSpan.Zero);
            if (now - idleSince < age)
            {
                return false;
            }

            _deactivation = DeactivationReason.Idle;
            _state = ActivationState.Deactivating;
        }

        StartDeactivation();
        return true;
    }

    /// <summary>Another silo committed <paramref name="version"/> of one of our states: drop this activation if it is older.</summary>
    public void OnRemoteStateChanged(string stateName, long version)
    {
        lock (_lock)
        {
            // Before Valid the states are still being created or read, and the read sees the new version.
            if (_state != ActivationState.Valid)
            {
                return;
            }
        }

        foreach (var state in _states)
        {
            if (state.StateName == stateName && state.Version < version)
            {
                RequestDeactivation(DeactivationReason.RemoteChange);
                return;
            }
        }
    }

    /// <summary>Fails every waiting or running message older than the timeout (its caller stops waiting; the turn itself runs on).</summary>
    public void FailTimedOut(long nowTimestamp, TimeSpan timeout)
    {
        lock (_lock)
        {
            foreach (var request in _waiting)
            {
                FailIfLate(request);
            }

            foreach (var request in _running)
            {
                FailIfLate(request);
            }
        }

        void FailIfLate(GrainRequest request)
        {
            if (!request.IsCompleted && Runtime.Time.GetElapsedTime(request.EnqueuedTimestamp, nowTimestamp) > timeout)
            {
                RuntimeTelemetry.RecordTimeout(request, GrainClass.GrainType);
                request.Fail(new TimeoutException(
                    $"Response did not arrive on time in {timeout} for message {request.Name} to {GrainId}."));
            }
        }
    }

    public void AddState(IActivationState state) => _states.Add(state);

    public GrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        var timer = new GrainTimer(this, callback, options);
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"{GrainId} is deactivating; it cannot register timers.");
            }

            _timers.Add(timer);
        }

        timer.Start();
        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private void StartActivation()
    {
        var task = Task.Factory.StartNew(ActivateAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();
        _ = task;
    }

    private async Task ActivateAsync()
    {
        try
        {
            t_constructing = this;
            try
            {
                _grain = GrainActivator.Create(this);
            }
            finally
            {
                t_constructing = null;
            }

            foreach (var state in _states)
            {
                await state.ReadStateAsync();
            }

            using var timeout = new CancellationTokenSource();
            await WithTimeout(((Grain)_grain).OnActivateAsync(timeout.Token), timeout);
        }
        catch (Exception ex)
        {
            Runtime.Catalog.Logger.LogWarning(ex, "Activation of {GrainId} failed", GrainId);
            GrainRequest[] failed;
            lock (_lock)
            {
                _state = ActivationState.Invalid;
                failed = [.. _waiting];
                _waiting.Clear();
            }

            DisposeTimers();
            Runtime.Catalog.Remove(this);
            foreach (var request in failed)
            {
                request.Fail(ex);
            }

            return;
        }

        RuntimeTelemetry.RecordActivation(GrainClass.GrainType);
        var deactivateNow = false;
        lock (_lock)
        {
            _state = ActivationState.Valid;
            if (_deactivation is not null)
            {
                _state = ActivationState.Deactivating;
                deactivateNow = true;
            }
            else
            {
                StartWaiting();
            }
        }

        if (deactivateNow)
        {
            StartDeactivation();
        }
    }

    // The response timeout cancels a hook still running when it passes. Most hooks finish at once, and those never
    // start the timer (a timer per activation and deactivation is measurable when a grain lives for one call).
    private Task WithTimeout(Task hook, CancellationTokenSource timeout)
    {
        if (!hook.IsCompleted)
        {
            timeout.CancelAfter(Runtime.Options.ResponseTimeout);
        }

        return hook;
    }

    private void StartDeactivation()
    {
        var task = Task.Factory.StartNew(DeactivateAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();
        _ = task;
    }

    private async Task DeactivateAsync()
    {
        DeactivationReason reason;
        lock (_lock)
        {
            reason = _deactivation ?? DeactivationReason.Requested;
        }

        DisposeTimers();
        try
        {
            using var timeout = new CancellationTokenSource();
            await WithTimeout(((Grain)GrainInstance).OnDeactivateAsync(reason, timeout.Token), timeout);
        }
        catch (Exception ex)
        {
            // Best effort, as in Orleans: the activation goes away regardless.
            Runtime.Catalog.Logger.LogWarning(ex, "OnDeactivateAsync of {GrainId} failed", GrainId);
        }

        GrainRequest[] forward;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            forward = [.. _waiting];
            _waiting.Clear();
        }

        Runtime.Catalog.Remove(this);
        RuntimeTelemetry.RecordDeactivation(GrainClass.GrainType, reason);
        foreach (var request in forward)
        {
            if (!request.IsCompleted)
            {
                Runtime.Catalog.Dispatch(GrainId, GrainClass, request);
            }
        }
    }

    private void DisposeTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    /// <summary>Waits until the activation is gone (tests and shutdown).</summary>
    public bool IsInvalid => State == ActivationState.Invalid;
}
