using System.Globalization;

namespace Scheduling.TestSupport;

/// <summary>
/// A clock that only moves when a test moves it. Timers (and so <c>Task.Delay</c>, <c>WaitAsync</c>,
/// <c>PeriodicTimer</c> and <c>CancellationTokenSource</c> timeouts built on this provider) fire
/// synchronously on the thread that advances the clock, in due-time order, outside the lock, so a
/// callback may read the clock, create or change timers, or advance the clock itself.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _scheduled = [];
    private readonly TimeZoneInfo _localTimeZone;
    private DateTimeOffset _utcNow;

    // Where the clock is heading: ahead of _utcNow while an Advance is still firing timers. Advances
    // add to it, so two threads advancing one second each move the clock two seconds.
    private DateTimeOffset _horizon;
    private long _nextSequence;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset startUtc, TimeZoneInfo? localTimeZone = null)
    {
        _utcNow = startUtc.ToUniversalTime();
        _horizon = _utcNow;
        _localTimeZone = localTimeZone ?? TimeZoneInfo.Utc;
    }

    public override TimeZoneInfo LocalTimeZone => _localTimeZone;

    // Timestamps are the clock's own ticks, so Stopwatch-style elapsed times agree with UtcNow.
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers waiting for a future time, e.g. to know the code under test has started its delay.</summary>
    public int PendingTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _scheduled.Count;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _utcNow;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            _horizon = AddClamped(_horizon, delta);
            target = _horizon;
        }

        MoveTo(target);
    }

    /// <summary>Sets the clock, firing every timer due by then. Time never goes backwards.</summary>
    public void SetUtcNow(DateTimeOffset utcNow)
    {
        var target = utcNow.ToUniversalTime();
        lock (_gate)
        {
            if (target < _horizon)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(utcNow), utcNow, $"The clock is already at {_horizon:O}; it cannot go backwards.");
            }

            _horizon = target;
        }

        MoveTo(target);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public override string ToString() => GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    // Fires due timers one at a time: the earliest first, with the clock standing at its due time while
    // its callback runs, so callbacks see the time they were scheduled for and timers they create can
    // still fall due before the target.
    private void MoveTo(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = null;
                foreach (var timer in _scheduled)
                {
                    if (timer.DueTime <= target
                        && (due is null || timer.DueTime < due.DueTime
                            || (timer.DueTime == due.DueTime && timer.Sequence < due.Sequence)))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    if (target > _utcNow)
                    {
                        _utcNow = target;
                    }

                    return;
                }

                if (due.DueTime > _utcNow)
                {
                    _utcNow = due.DueTime;
                }

                if (due.Period > TimeSpan.Zero)
                {
                    due.DueTime = AddClamped(due.DueTime, due.Period);
                }
                else
                {
                    _scheduled.Remove(due);
                }
            }

            due.Callback(due.State);
        }
    }

    private bool Change(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimeout(dueTime, nameof(dueTime));
        ValidateTimeout(period, nameof(period));
        lock (_gate)
        {
            if (timer.IsDisposed)
            {
                return false;
            }

            _scheduled.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            timer.DueTime = AddClamped(_utcNow, dueTime);
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Sequence = _nextSequence++;
            _scheduled.Add(timer);
        }

        // Like a real timer, a zero due time fires right away rather than at the next Advance.
        if (dueTime == TimeSpan.Zero)
        {
            MoveTo(GetUtcNow());
        }

        return true;
    }

    private void Dispose(ManualTimer timer)
    {
        lock (_gate)
        {
            timer.IsDisposed = true;
            _scheduled.Remove(timer);
        }
    }

    private static void ValidateTimeout(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be non-negative or Timeout.InfiniteTimeSpan.");
        }
    }

    private static DateTimeOffset AddClamped(DateTimeOffset time, TimeSpan delta) =>
        DateTimeOffset.MaxValue - time <= delta ? DateTimeOffset.MaxValue : time + delta;

    // All mutable fields are guarded by the provider's lock.
    private sealed class ManualTimer(ManualTimeProvider provider, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public DateTimeOffset DueTime { get; set; }

        public TimeSpan Period { get; set; }

        public long Sequence { get; set; }

        public bool IsDisposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => provider.Change(this, dueTime, period);

        public void Dispose() => provider.Dispose(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
