using Orleans.Configuration;
using Orleans.Streams;

namespace Scheduling.Grains.Storage;

/// <summary>
/// How outbox streams map to queues: the one mapper both the writers (which store each event's queue number with it)
/// and the outbox stream provider (whose receivers each read one queue, balanced across silos by Orleans) use. The
/// queue count is part of the stored format: rows carry their queue number, so changing it needs a migration.
/// </summary>
public static class OutboxQueues
{
    /// <summary>The stream provider's name, for <c>[ImplicitStreamSubscription]</c> consumers and publishers alike.</summary>
    public const string ProviderName = "outbox";

    /// <summary>Queues in all: enough for a handful of silos to share the delivery work.</summary>
    public const int Count = 8;

    private const string Prefix = "outbox";

    public static HashRingBasedStreamQueueMapper Mapper { get; } =
        new(new HashRingStreamQueueMapperOptions { TotalQueueCount = Count }, Prefix);

    public static int QueueOf(StreamId stream) => (int)Mapper.GetQueueForStream(stream).GetNumericId();
}

/// <summary>The names of the grain storage providers.</summary>
public static class OutboxStorageNames
{
    /// <summary>
    /// Grain state whose writes commit the turn's events, reminders and domain rows with it (<see cref="GrainOutbox"/>).
    /// </summary>
    public const string Outbox = "outbox";
}
