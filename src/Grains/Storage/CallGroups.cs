using System.Threading.Channels;

namespace Scheduling.Grains.Storage;

/// <summary>One call waiting in a <see cref="CallGroups{TRequest, TResult}"/>, answered through its completion.</summary>
public sealed record GroupedCall<TRequest, TResult>(TRequest Request, TaskCompletionSource<TResult> Completion);

/// <summary>
/// Groups concurrent calls to a database: the calls made while a group is in flight queue up and go out together
/// as the next group, so a burst costs one round trip per group instead of one per call, and a call made alone goes
/// out at once. Each of a few workers (one connection each) takes whatever is queued, up to the group limit, and
/// hands it to the group's handler, which answers every call of the group; a handler that throws fails them all.
/// </summary>
public sealed class CallGroups<TRequest, TResult> : IAsyncDisposable, IDisposable
{
    private readonly Channel<GroupedCall<TRequest, TResult>> _queue =
        Channel.CreateUnbounded<GroupedCall<TRequest, TResult>>(new UnboundedChannelOptions { SingleWriter = false });

    private readonly Func<IReadOnlyList<GroupedCall<TRequest, TResult>>, Task> _handle;
    private readonly int _maxGroup;
    private readonly Task[] _workers;

    public CallGroups(Func<IReadOnlyList<GroupedCall<TRequest, TResult>>, Task> handle, int workers, int maxGroup)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        _handle = handle;
        _maxGroup = maxGroup;
        _workers = [.. Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(WorkAsync))];
    }

    public Task<TResult> CallAsync(TRequest request)
    {
        var call = new GroupedCall<TRequest, TResult>(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(call))
        {
            throw new ObjectDisposedException(GetType().Name);
        }

        return call.Completion.Task;
    }

    // Queued calls still go out: the workers drain the queue before they end.
    public void Dispose() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        var group = new List<GroupedCall<TRequest, TResult>>(_maxGroup);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < _maxGroup && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
            }

            if (group.Count == 0)
            {
                continue;
            }

            try
            {
                await _handle(group).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                foreach (var call in group)
                {
                    call.Completion.TrySetException(ex);
                }
            }

            foreach (var call in group)
            {
                call.Completion.TrySetException(new InvalidOperationException("The group's handler left this call unanswered."));
            }
        }
    }
}
