namespace Scheduling.Grains.Storage.Memory;

/// <summary>Ids for the embedded provider: a process-wide counter.</summary>
public sealed class MemoryIdGenerator : IIdGenerator
{
    private long _last = 1000;

    public ValueTask<long> NextIdAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Interlocked.Increment(ref _last));
}
