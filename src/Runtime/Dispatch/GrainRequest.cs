using System.Diagnostics;
using Scheduling.Runtime.Activations;

namespace Scheduling.Runtime.Dispatch;

/// <summary>
/// One message in an activation's mailbox: a grain method call, or a timer tick, reminder or stream
/// delivery. It carries the caller's execution context, so the grain runs with the caller's
/// Activity and async-locals, and completes the caller's task when the turn ends.
/// </summary>
internal abstract class GrainRequest
{
    private static readonly Action<object?> s_runTurn = static state => ((GrainRequest)state!).RunTurn();

    private static readonly ContextCallback s_invokeInCallerContext = static state =>
    {
        var request = (GrainRequest)state!;
        request._turnTask = request.InvokeWithActivity();
    };

    private Task? _turnTask;

    protected GrainRequest(string name, bool isReadOnly, bool alwaysInterleave, bool keepsAlive)
    {
        Name = name;
        IsReadOnly = isReadOnly;
        AlwaysInterleave = alwaysInterleave;
        KeepsAlive = keepsAlive;
    }

    /// <summary>Interface.Method (or timer/reminder/stream label), for telemetry and errors.</summary>
    public string Name { get; }

    public bool IsReadOnly { get; }

    public bool AlwaysInterleave { get; }

    /// <summary>Counts as activity for idle collection.</summary>
    public bool KeepsAlive { get; }

    public ActivationData? Activation { get; set; }

    public long EnqueuedTimestamp { get; set; }

    public ExecutionContext? CallerContext { get; set; }

    public Activity? Activity { get; set; }

    public abstract bool IsCompleted { get; }

    /// <summary>Runs the grain code of this message and returns its task.</summary>
    protected abstract Task Invoke(object grain);

    /// <summary>Completes the caller from the finished grain task.</summary>
    public abstract void SetResult(Task completed);

    public abstract void Fail(Exception exception);

    /// <summary>Queues the turn on the activation's scheduler; never runs grain code on the calling thread.</summary>
    public void Start(TaskScheduler scheduler)
    {
        Task turn;
        using (ExecutionContext.SuppressFlow())
        {
            turn = new Task(s_runTurn, this);
        }

        turn.Start(scheduler);
    }

    private void RunTurn()
    {
        var activation = Activation!;
        activation.OnTurnStarting(this);
        Task task;
        try
        {
            if (CallerContext is { } context)
            {
                ExecutionContext.Run(context, s_invokeInCallerContext, this);
                task = _turnTask!;
                _turnTask = null;
            }
            else
            {
                // No caller context to run in: undo what the turn set, so it cannot leak into the next task
                // this scheduler runs on the same thread.
                var previous = Activity.Current;
                try
                {
                    task = InvokeWithActivity();
                }
                finally
                {
                    Activity.Current = previous;
                }
            }
        }
        catch (Exception ex)
        {
            task = Task.FromException(ex);
        }

        if (task.IsCompleted)
        {
            activation.OnTurnCompleted(this, task);
        }
        else
        {
            task.ContinueWith(
                static (t, state) =>
                {
                    var request = (GrainRequest)state!;
                    request.Activation!.OnTurnCompleted(request, t);
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private Task InvokeWithActivity()
    {
        if (Activity is { } activity)
        {
            Activity.Current = activity;
        }

        return Invoke(Activation!.GrainInstance);
    }
}

/// <summary>A mailbox message whose caller waits for a <typeparamref name="TResult"/>.</summary>
internal sealed class GrainRequest<TResult> : GrainRequest
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<object, object?, Task> _invoker;
    private readonly object? _arguments;

    public GrainRequest(string name, Func<object, object?, Task> invoker, object? arguments, bool isReadOnly = false, bool alwaysInterleave = false, bool keepsAlive = true)
        : base(name, isReadOnly, alwaysInterleave, keepsAlive)
    {
        _invoker = invoker;
        _arguments = arguments;
    }

    public Task<TResult> Task => _completion.Task;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    protected override Task Invoke(object grain) => _invoker(grain, _arguments);

    public override void SetResult(Task completed)
    {
        if (completed.IsFaulted)
        {
            var errors = completed.Exception!.InnerExceptions;
            if (errors.Count == 1)
            {
                _completion.TrySetException(errors[0]);
            }
            else
            {
                _completion.TrySetException(errors);
            }
        }
        else if (completed.IsCanceled)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetResult(completed is Task<TResult> typed ? typed.Result : default!);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
