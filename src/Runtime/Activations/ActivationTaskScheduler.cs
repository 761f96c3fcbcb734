namespace Scheduling.Runtime.Activations;

/// <summary>
/// Runs one activation's turns one at a time on the thread pool. Grain code awaits without
/// ConfigureAwait(false), so its continuations come back here: that is what makes a grain
/// single-threaded even when calls interleave (reentrant, read-only) at await points.
/// </summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    // After this many tasks in a row the scheduler yields its thread so one busy grain cannot starve others.
    private const int TurnsPerDispatch = 64;

    [ThreadStatic]
    private static ActivationTaskScheduler? t_running;

    private readonly Queue<Task> _queue = new();
    private readonly Lock _lock = new();
    private bool _scheduled;

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        lock (_lock)
        {
            _queue.Enqueue(task);
            if (_scheduled)
            {
                return;
            }

            _scheduled = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        t_running = this;
        try
        {
            for (var executed = 0; ; executed++)
            {
                Task next;
                lock (_lock)
                {
                    if (_queue.Count == 0)
                    {
                        _scheduled = false;
                        return;
                    }

                    if (executed == TurnsPerDispatch)
                    {
                        // Still scheduled: the rest of the queue continues on a fresh work item.
                        break;
                    }

                    next = _queue.Dequeue();
                }

                TryExecuteTask(next);
            }

            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        finally
        {
            t_running = null;
        }
    }

    // Inline only when already running on this scheduler's own thread; anything else would run two turns at once.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        t_running == this && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_lock)
        {
            return _queue.ToArray();
        }
    }
}
