namespace Scheduling.Runtime;

/// <summary>Marker for grain interfaces. Every method must return Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
public interface IGrain
{
}

/// <summary>A grain keyed by a 64-bit integer.</summary>
public interface IGrainWithIntegerKey : IGrain
{
}

/// <summary>A grain keyed by a string.</summary>
public interface IGrainWithStringKey : IGrain
{
}

/// <summary>A grain keyed by a Guid.</summary>
public interface IGrainWithGuidKey : IGrain
{
}
