namespace Scheduling.Grains.Storage;

/// <summary>
/// A level-triggered wake-up for a background worker: any number of <see cref="Signal"/> calls while it works wake
/// it once; <see cref="WaitAsync"/> returns when signalled or after a poll interval.
/// </summary>
public class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Signal()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up is enough.
        }
    }

    /// <summary>Returns when signalled or after <paramref name="timeout"/> (real time: a poll interval, not a decision).</summary>
    public async ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _semaphore.Dispose();
        GC.SuppressFinalize(this);
    }
}
