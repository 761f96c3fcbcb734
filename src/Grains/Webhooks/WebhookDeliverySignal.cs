namespace Scheduling.Grains.Webhooks;

/// <summary>
/// Wakes this process's delivery worker when deliveries were recorded or redelivered here, so the first attempt
/// does not wait for the next poll. Rows recorded by other silos are found by the poll.
/// </summary>
public sealed class WebhookDeliverySignal : IDisposable
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

    public void Dispose() => _semaphore.Dispose();
}
