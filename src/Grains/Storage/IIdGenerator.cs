namespace Scheduling.Grains.Storage;

/// <summary>
/// The one id generator: unique 64-bit ids for every kind of entity, across all silos of the cluster.
/// Ids are unique across kinds too, so an id names at most one entity.
/// </summary>
public interface IIdGenerator
{
    ValueTask<long> NextIdAsync(CancellationToken cancellationToken = default);
}
