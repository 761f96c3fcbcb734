namespace Scheduling.Runtime;

/// <summary>Calls to this grain may interleave at await points (turns still never run in parallel).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ReentrantAttribute : Attribute
{
}

/// <summary>This interface method interleaves with any other call, even on a non-reentrant grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}

/// <summary>This interface method does not change state: read-only calls may interleave with each other.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute
{
}

/// <summary>Overrides the grain type name (default: class name without the "Grain" suffix, lower-case).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class GrainTypeAttribute(string grainType) : Attribute
{
    public string GrainType { get; } = grainType;
}

/// <summary>Injects an <see cref="IPersistentState{TState}"/> into a grain constructor parameter.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;

    public string? StorageName { get; } = storageName;
}

/// <summary>
/// The grain receives every item published to streams of this namespace: the grain whose key equals
/// the stream key is activated and its <see cref="Streams.IAsyncObserver{T}.OnNextAsync"/> is called.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class ImplicitStreamSubscriptionAttribute(string streamNamespace) : Attribute
{
    public string Namespace { get; } = streamNamespace;
}

/// <summary>Overrides the idle collection age for one grain class.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CollectionAgeLimitAttribute(double minutes) : Attribute
{
    public TimeSpan Age { get; } = TimeSpan.FromMinutes(minutes);
}
