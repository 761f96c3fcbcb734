using System.Collections.Concurrent;
using Orleans.Streams;
using Orleans.Streams.Core;
using Scheduling.Grains.Storage;

namespace Scheduling.Silo.Tests.Streams;

/// <summary>An event of the probe streams: what a grain's outbox commits and an implicit subscriber receives.</summary>
[GenerateSerializer]
[Immutable]
[Alias("test.probe-event")]
public sealed record ProbeEvent([property: Id(0)] string Text);

/// <summary>A grain that raises events through its outbox, the way the calendar does.</summary>
public interface IOutboxProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Publishes an event to the probe stream keyed like this grain and writes the state with it.</summary>
    Task CommitAsync(string text);

    /// <summary>Publishes an event, then fails before writing: the turn's change and its event never happen.</summary>
    Task FailAfterPublishingAsync(string text);

    /// <summary>Publishes an event in a turn that writes no state.</summary>
    Task PublishWithoutWriteAsync(string text);

    /// <summary>Publishes to the poison stream, whose subscriber always fails, and writes the state.</summary>
    Task CommitPoisonAsync(string text);

    Task<int> WritesAsync();
}

public sealed class ProbeState
{
    public int Writes { get; set; }
}

public sealed class OutboxProbeGrain(
    [PersistentState("probe", OutboxStorageNames.Outbox)] IPersistentState<ProbeState> state,
    GrainOutbox outbox) : Grain, IOutboxProbeGrain, IIncomingGrainCallFilter
{
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => outbox.EndTurnAsync(context);

    public const string Namespace = "probe";
    public const string PoisonNamespace = "probe-poison";

    public Task CommitAsync(string text)
    {
        outbox.Publish(StreamId.Create(Namespace, this.GetPrimaryKeyLong()), new ProbeEvent(text));
        state.State.Writes++;
        return state.WriteStateAsync();
    }

    public Task FailAfterPublishingAsync(string text)
    {
        outbox.Publish(StreamId.Create(Namespace, this.GetPrimaryKeyLong()), new ProbeEvent(text));
        throw new InvalidOperationException("the turn fails before its write");
    }

    public Task PublishWithoutWriteAsync(string text)
    {
        outbox.Publish(StreamId.Create(Namespace, this.GetPrimaryKeyLong()), new ProbeEvent(text));
        return Task.CompletedTask;
    }

    public Task CommitPoisonAsync(string text)
    {
        outbox.Publish(StreamId.Create(PoisonNamespace, this.GetPrimaryKeyLong()), new ProbeEvent(text));
        state.State.Writes++;
        return state.WriteStateAsync();
    }

    public Task<int> WritesAsync() => Task.FromResult(state.State.Writes);
}

/// <summary>What the probe subscribers received, with the event ids the stream gave them.</summary>
public sealed class ProbeLog
{
    private readonly ConcurrentQueue<(long Key, string Text, Guid EventId)> _received = new();

    public IReadOnlyList<(long Key, string Text, Guid EventId)> Received => [.. _received];

    public void Add(long key, string text, Guid eventId) => _received.Enqueue((key, text, eventId));

    public async Task<IReadOnlyList<(long Key, string Text, Guid EventId)>> WaitForAsync(Func<IReadOnlyList<(long Key, string Text, Guid EventId)>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(Received))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the subscribers received only: {string.Join(", ", Received.Select(r => r.Text))}");
            await Task.Delay(20);
        }

        return Received;
    }
}

public interface IProbeConsumerGrain : IGrainWithIntegerKey;

/// <summary>The probe stream's implicit subscriber: logs what it receives.</summary>
[ImplicitStreamSubscription(OutboxProbeGrain.Namespace)]
public sealed class ProbeConsumerGrain(ProbeLog log) : Grain, IProbeConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<ProbeEvent>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<ProbeEvent>().ResumeAsync(this);

    public Task OnNextAsync(ProbeEvent item, StreamSequenceToken? token = null)
    {
        log.Add(this.GetPrimaryKeyLong(), item.Text, ((OutboxSequenceToken)token!).EventId);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

public interface IPoisonConsumerGrain : IGrainWithIntegerKey;

/// <summary>The poison stream's implicit subscriber: every delivery fails.</summary>
[ImplicitStreamSubscription(OutboxProbeGrain.PoisonNamespace)]
public sealed class PoisonConsumerGrain : Grain, IPoisonConsumerGrain, IStreamSubscriptionObserver, IAsyncObserver<ProbeEvent>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<ProbeEvent>().ResumeAsync(this);

    public Task OnNextAsync(ProbeEvent item, StreamSequenceToken? token = null) =>
        throw new InvalidOperationException($"the subscriber cannot handle '{item.Text}'");

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
