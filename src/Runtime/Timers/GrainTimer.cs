using Scheduling.Runtime.Activations;
using Scheduling.Runtime.Dispatch;

namespace Scheduling.Runtime.Timers;

/// <summary>
/// A timer whose ticks are messages in its activation's mailbox. The next tick is scheduled only
/// after the previous one finished, so ticks never overlap.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly GrainTimerCreationOptions _options;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private TimeSpan _period;
    private TimeSpan _dueTime;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        _activation = activation;
        _callback = callback;
        _options = options;
        _dueTime = options.DueTime;
        _period = options.Period;
    }

    public void Start()
    {
        lock (_lock)
        {
            _timer = _activation.Runtime.Time.CreateTimer(static s => ((GrainTimer)s!).OnTick(), this, _dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _dueTime = dueTime;
            _period = period;
            _timer?.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            _disposed.Cancel();
            _timer?.Dispose();
            _timer = null;
        }

        _activation.RemoveTimer(this);
    }

    private void OnTick()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        var request = new GrainRequest<object?>(
            "Timer",
            (_, _) => _callback(_disposed.Token),
            null,
            isReadOnly: false,
            alwaysInterleave: _options.Interleave,
            keepsAlive: _options.KeepAlive);
        request.CallerContext = ExecutionContext.Capture();
        if (!_activation.TryEnqueue(request))
        {
            return;
        }

        request.Task.ContinueWith(
            static (_, s) => ((GrainTimer)s!).ScheduleNext(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void ScheduleNext()
    {
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested || _period == Timeout.InfiniteTimeSpan || _period <= TimeSpan.Zero)
            {
                return;
            }

            _timer?.Change(_period, Timeout.InfiniteTimeSpan);
        }
    }
}
