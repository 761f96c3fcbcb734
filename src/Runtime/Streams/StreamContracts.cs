namespace Scheduling.Runtime.Streams;

/// <summary>Identity of a stream: a namespace (e.g. "appointments") and a key (e.g. the company id).</summary>
public readonly record struct StreamId(string Namespace, string Key)
{
    public static StreamId Create(string streamNamespace, string key) => new(streamNamespace, key);

    public static StreamId Create(string streamNamespace, long key) =>
        new(streamNamespace, key.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static StreamId Create(string streamNamespace, Guid key) => new(streamNamespace, key.ToString("N"));

    public override string ToString() => $"{Namespace}/{Key}";
}

/// <summary>Which item of its stream this is: the event id, stable across redeliveries.</summary>
public sealed record StreamSequenceToken(Guid EventId);

/// <summary>Gives access to streams by id.</summary>
public interface IStreamProvider
{
    string Name { get; }

    IAsyncStream<T> GetStream<T>(StreamId streamId)
        where T : notnull;
}

/// <summary>A durable stream: published items are delivered at least once to its subscribers.</summary>
public interface IAsyncStream<in T>
    where T : notnull
{
    StreamId StreamId { get; }

    /// <summary>Publishes durably; returns once the item is in the outbox.</summary>
    Task OnNextAsync(T item, StreamSequenceToken? token = null);
}

/// <summary>
/// An implicit subscriber that is handed only the items it wants. The pump asks <see cref="Wants"/> before it
/// activates the grain, so an item the grain would pass over costs no activation, state read or turn. Decided from
/// the item alone (a pure function): what the grain would have to look up to decide belongs in the item.
/// </summary>
public interface IImplicitSubscriptionFilter<T>
{
    static abstract bool Wants(T item);
}

/// <summary>
/// Implemented by grains with <see cref="ImplicitStreamSubscriptionAttribute"/>. Delivery is at least
/// once, so consumers de-duplicate by <see cref="StreamSequenceToken.EventId"/>.
/// </summary>
public interface IAsyncObserver<in T>
{
    Task OnNextAsync(T item, StreamSequenceToken? token = null);

    Task OnCompletedAsync() => Task.CompletedTask;

    Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
