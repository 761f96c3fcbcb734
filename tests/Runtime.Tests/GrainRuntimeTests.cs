using System.Globalization;
using Scheduling.Runtime.Hosting;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Streams;
using Scheduling.Runtime.Tests.Grains;
using Scheduling.Runtime.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.Runtime.Tests;

/// <summary>The runtime's promises (turns, interleaving, lifecycle, ETags, reminders, outbox), run on every storage provider.</summary>
public abstract class GrainRuntimeTests
{
    private static long s_nextKey = Random.Shared.Next(1, 1_000_000) * 1000L;

    protected abstract TestStorage Storage { get; }

    protected static long NewKey() => Interlocked.Increment(ref s_nextKey);

    [Fact]
    public async Task HundredConcurrentReadAwaitWriteCallsEndAtExactlyHundred()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var counter = silo.Grains.GetGrain<ICounterGrain>(NewKey());

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => counter.IncrementAsync()));

        Assert.Equal(100, await counter.GetAsync());
        Assert.Equal(Enumerable.Range(1, 100), results.Order());
    }

    [Fact]
    public async Task ReadOnlyCallsRunConcurrently()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var gate = silo.Grains.GetGrain<IGateGrain>("read-only");

        var calls = Enumerable.Range(0, 3).Select(_ => gate.HoldReadOnlyAsync()).ToList();
        await Eventually.TrueAsync(() => silo.Probe.Inside == 3, "three read-only calls are inside the grain at once");
        silo.Probe.Gate.SetResult();
        await Task.WhenAll(calls);
    }

    [Fact]
    public async Task OrdinaryCallsDoNotInterleaveEvenAcrossAwaits()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var gate = silo.Grains.GetGrain<IGateGrain>("exclusive");

        var first = gate.HoldAsync();
        var second = gate.HoldAsync();
        var readOnly = gate.HoldReadOnlyAsync();
        await Eventually.TrueAsync(() => silo.Probe.Inside == 1, "the first call is inside");
        await Task.Delay(50);
        Assert.Equal(1, silo.Probe.MaxInside);

        silo.Probe.Gate.SetResult();
        await Task.WhenAll(first, second, readOnly);
        Assert.Equal(1, silo.Probe.MaxInside);
    }

    [Fact]
    public async Task AlwaysInterleaveCallsRunBesideABlockedCall()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var gate = silo.Grains.GetGrain<IGateGrain>("interleave");

        var blocked = gate.HoldAsync();
        await Eventually.TrueAsync(() => silo.Probe.Inside == 1, "the ordinary call is inside");
        var interleaved = gate.HoldInterleavedAsync();
        await Eventually.TrueAsync(() => silo.Probe.Inside == 2, "the interleaving call joined it");

        silo.Probe.Gate.SetResult();
        await Task.WhenAll(blocked, interleaved);
    }

    [Fact]
    public async Task ReentrantGrainInterleavesCallsButNeverRunsTwoTurnsInParallel()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var gate = silo.Grains.GetGrain<IReentrantGateGrain>("reentrant");

        var calls = Enumerable.Range(0, 5).Select(_ => gate.HoldAsync()).ToList();
        await Eventually.TrueAsync(() => silo.Probe.Inside == 5, "five calls interleave inside the reentrant grain");
        silo.Probe.Gate.SetResult();
        await Task.WhenAll(calls);
    }

    [Fact]
    public async Task FailingActivationReachesTheCallerAndTheNextCallActivatesAgain()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        silo.Probe.ActivationFailures["flaky"] = 1;
        var grain = silo.Grains.GetGrain<IFlakyGrain>("flaky");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(grain.PingAsync);
        Assert.Contains("refused by the test", error.Message);

        Assert.Equal("pong", await grain.PingAsync());
        Assert.Equal(1, silo.Probe.Activations["flaky"]);
    }

    [Fact]
    public async Task AnActivationHookStillRunningAtTheResponseTimeoutIsCanceledAndTheNextCallActivatesAgain()
    {
        await using var silo = await TestSilo.StartAsync(Storage, options: o => o.ResponseTimeout = TimeSpan.FromMilliseconds(300));
        silo.Probe.SlowActivations["slow"] = true;
        var grain = silo.Grains.GetGrain<IFlakyGrain>("slow");

        await Assert.ThrowsAnyAsync<Exception>(grain.PingAsync);
        for (var waited = 0; waited < 200 && !silo.Probe.CanceledActivations.Contains("slow"); waited++)
        {
            await Task.Delay(50);
        }

        Assert.Contains("slow", silo.Probe.CanceledActivations);
        Assert.Equal("pong", await grain.PingAsync());
    }

    [Fact]
    public async Task IdleActivationIsCollectedAndReactivationReloadsState()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(Storage, clock, o => o.CollectionAge = TimeSpan.FromMinutes(15));
        var key = NewKey();
        var counter = silo.Grains.GetGrain<ICounterGrain>(key);
        await counter.IncrementAsync();
        await counter.IncrementAsync();
        var id = GrainId.Create("counter", key);

        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, silo.Control.CollectIdleActivations());
        Assert.True(silo.Control.IsActive(id));

        clock.Advance(TimeSpan.FromMinutes(2));
        silo.Control.CollectIdleActivations();
        await Eventually.TrueAsync(() => !silo.Control.IsActive(id), "the idle counter is deactivated");
        Assert.Contains($"{key}:Idle", silo.Probe.Deactivations);

        Assert.Equal(2, await counter.GetAsync());
        Assert.Equal(2, silo.Probe.Activations[key.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    [Fact]
    public async Task CallCycleBetweenTwoGrainsFailsByTimeoutInsteadOfHanging()
    {
        await using var silo = await TestSilo.StartAsync(Storage, options: o => o.ResponseTimeout = TimeSpan.FromMilliseconds(300));
        var a = silo.Grains.GetGrain<IPingGrain>(NewKey());

        var call = a.PingAsync(NewKey(), hops: 2);
        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(call, finished);
        await Assert.ThrowsAsync<TimeoutException>(() => call);
    }

    [Fact]
    public async Task TwoSilosWritingOneGrainNeverLoseAnUpdate()
    {
        await using var siloA = await TestSilo.StartAsync(Storage);
        await using var siloB = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        var counters = new[] { siloA.Grains.GetGrain<ICounterGrain>(key), siloB.Grains.GetGrain<ICounterGrain>(key) };

        // Alternate silos, as a client behind a load balancer would, retrying a refused stale write.
        for (var i = 0; i < 10; i++)
        {
            while (true)
            {
                try
                {
                    await counters[i % 2].IncrementAsync();
                    break;
                }
                catch (InconsistentStateException)
                {
                    // The refused write changed nothing; the retry runs on a reloaded activation.
                }
            }
        }

        // A read may lag a change notification (a write never does): reload to read what is stored.
        await counters[0].DeactivateAsync();
        Assert.Equal(10, await counters[0].GetAsync());
        Assert.Equal(10, await counters[0].StoredVersionAsync());
    }

    [Fact]
    public async Task StaleEtagWriteFromAnUnnotifiedActivationThrowsInconsistentState()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        var counter = silo.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(1, await counter.IncrementAsync());

        // Another writer moves the stored version on behind the activation's back.
        var storage = (IGrainStorage)silo.Services.GetService(typeof(IGrainStorage))!;
        var stateKey = new GrainStateKey(GrainId.Create("counter", key), "counter");
        var stored = await storage.ReadAsync(stateKey, CancellationToken.None);
        await storage.WriteAsync(new GrainStateWrite(stateKey, stored!.Version, "{\"Count\":41,\"Fired\":[]}"u8.ToArray(), [], []), CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(counter.IncrementAsync);
        Assert.Equal(42, await counter.IncrementAsync());
    }

    [Fact]
    public async Task OneShotReminderFiresOnceAtItsDueTime()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(Storage, clock);
        var counter = silo.Grains.GetGrain<ICounterGrain>(NewKey());
        await counter.RegisterReminderAsync("once", TimeSpan.FromMinutes(30), TimeSpan.Zero);

        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await silo.Control.FireDueRemindersAsync());

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await silo.Control.FireDueRemindersAsync());
        Assert.Equal(0, await silo.Control.FireDueRemindersAsync());

        Assert.Equal(["once"], await counter.FiredAsync());
        Assert.False(await counter.HasReminderAsync("once"));
    }

    [Fact]
    public async Task PeriodicReminderFiresEveryPeriodAndSurvivesDeactivation()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(Storage, clock);
        var counter = silo.Grains.GetGrain<ICounterGrain>(NewKey());
        await counter.RegisterReminderAsync("tick", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        await counter.DeactivateAsync();

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await silo.Control.FireDueRemindersAsync());
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await silo.Control.FireDueRemindersAsync());

        Assert.Equal(["tick", "tick"], await counter.FiredAsync());
        Assert.True(await counter.HasReminderAsync("tick"));
    }

    [Fact]
    public async Task GrainTimerTicksAsATurnOfItsGrain()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(Storage, clock);
        var counter = silo.Grains.GetGrain<ICounterGrain>(NewKey());
        await counter.StartTimerAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        var pending = clock.PendingTimerCount;

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(await counter.FiredAsync());
        clock.Advance(TimeSpan.FromSeconds(1));
        await EventuallyFiredAsync(counter, 1);

        // The next period starts only after the tick finished and re-armed the timer.
        await Eventually.TrueAsync(() => clock.PendingTimerCount == pending, "the timer is re-armed");
        clock.Advance(TimeSpan.FromSeconds(5));
        await EventuallyFiredAsync(counter, 2);
    }

    [Fact]
    public async Task StateAndOutboxCommitTogetherOrNotAtAll()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        var counter = silo.Grains.GetGrain<ICounterGrain>(key);
        var eventId = Guid.NewGuid();
        await counter.SetWithEventAsync(7, eventId);

        // The same event id again makes the outbox insert fail: the state change must fail with it.
        await Assert.ThrowsAnyAsync<Exception>(() => counter.SetWithEventAsync(8, eventId));

        // The failed write dropped the activation: the next call reads what is stored.
        Assert.Equal(7, await counter.GetAsync());
        Assert.Equal(1, await counter.StoredVersionAsync());
        await silo.Control.DeliverStreamsAsync();
        var received = await silo.Grains.GetGrain<ICounterEventsGrain>(key).GetAsync();
        Assert.Equal([eventId], received.EventIds);
        Assert.Equal([7], received.Counts);
    }

    [Fact]
    public async Task FailedStateWriteRaisesNoEvent()
    {
        await using var siloA = await TestSilo.StartAsync(Storage);
        await using var siloB = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        await siloA.Grains.GetGrain<ICounterGrain>(key).SetWithEventAsync(1, Guid.NewGuid());
        await siloB.Grains.GetGrain<ICounterGrain>(key).SetWithEventAsync(2, Guid.NewGuid());

        // Force A's stale write (its notification may or may not have arrived: deliver none, then write).
        var stale = Guid.NewGuid();
        try
        {
            await siloA.Grains.GetGrain<ICounterGrain>(key).SetWithEventAsync(3, stale);
        }
        catch (InconsistentStateException)
        {
            // Expected when A had not been told: the event must not exist then.
        }

        while (await siloA.Control.DeliverStreamsAsync() > 0)
        {
        }

        var received = await siloA.Grains.GetGrain<ICounterEventsGrain>(key).GetAsync();
        var finalCount = await siloB.Grains.GetGrain<ICounterGrain>(key).GetAsync();
        Assert.Equal(finalCount == 3 ? 3 : 2, received.Counts.Count);
        Assert.Equal(received.Counts[^1], finalCount);
    }

    [Fact]
    public async Task EventsRaisedWithoutAStateWriteArePublishedWhenTheTurnEnds()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        var eventId = Guid.NewGuid();
        await silo.Grains.GetGrain<ICounterGrain>(key).PublishOnlyAsync(eventId);

        Assert.Equal(1, await silo.Control.DeliverStreamsAsync());
        Assert.Equal([eventId], (await silo.Grains.GetGrain<ICounterEventsGrain>(key).GetAsync()).EventIds);
    }

    [Fact]
    public async Task StreamPublishedOutsideAGrainReachesItsImplicitSubscriber()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        var streams = (IStreamProvider)silo.Services.GetService(typeof(IStreamProvider))!;
        var stream = streams.GetStream<CounterChanged>(StreamId.Create(CounterGrain.EventsNamespace, key));

        await stream.OnNextAsync(new CounterChanged(key, 5));
        await stream.OnNextAsync(new CounterChanged(key, 6));
        await silo.Control.DeliverStreamsAsync();

        Assert.Equal([5, 6], (await silo.Grains.GetGrain<ICounterEventsGrain>(key).GetAsync()).Counts);
    }

    [Fact]
    public async Task AFilteringSubscriberIsNeitherActivatedNorCalledForItemsItDoesNotWant()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var (quiet, mixed) = (NewKey(), NewKey());
        var streams = (IStreamProvider)silo.Services.GetService(typeof(IStreamProvider))!;

        await streams.GetStream<CounterChanged>(StreamId.Create(EvenCountsGrain.Namespace, quiet)).OnNextAsync(new CounterChanged(quiet, 1));
        foreach (var count in new[] { 1, 2, 3, 4 })
        {
            await streams.GetStream<CounterChanged>(StreamId.Create(EvenCountsGrain.Namespace, mixed)).OnNextAsync(new CounterChanged(mixed, count));
        }

        // Every item is done with, the unwanted ones included: none is left to retry.
        Assert.Equal(5, await silo.Control.DeliverStreamsAsync());
        Assert.Equal(0, await silo.Control.DeliverStreamsAsync());
        Assert.Equal([2, 4], EvenCountsGrain.Received[mixed]);
        Assert.False(EvenCountsGrain.Activations.ContainsKey(quiet));
        Assert.False(EvenCountsGrain.Received.ContainsKey(quiet));
    }

    [Fact]
    public async Task AnImmutableItemReachesSubscribersInTheSameProcessAsItselfAndAnyOtherAsACopy()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        var streams = (IStreamProvider)silo.Services.GetService(typeof(IStreamProvider))!;
        var shared = new SharedNote(key, "shared");
        var copied = new CopiedNote(key, "copied");
        await streams.GetStream<SharedNote>(StreamId.Create(NoteReaderGrain.Namespace, key)).OnNextAsync(shared);
        await streams.GetStream<CopiedNote>(StreamId.Create(NoteReaderGrain.Namespace, key)).OnNextAsync(copied);
        await silo.Control.DeliverStreamsAsync();

        var received = NoteReaderGrain.Received[key].ToArray();
        Assert.Equal([shared, copied], received);
        Assert.False(ReferenceEquals(copied, received[1]));

        // In memory the outbox keeps the message itself; PostgreSQL hands back rows, so its delivery reads the payload.
        Assert.Equal(Storage is MemoryTestStorage, ReferenceEquals(shared, received[0]));
    }

    [Fact]
    public async Task WithItsPumpRunningASiloDeliversWhatItCommitsFromMemoryAndLeavesOtherSilosNothingToClaim()
    {
        await using var silo = await TestSilo.StartAsync(Storage, options: o => o.WorkersEnabled = true);
        var key = NewKey();
        var streams = (IStreamProvider)silo.Services.GetService(typeof(IStreamProvider))!;
        var outbox = (IOutboxStore)silo.Services.GetService(typeof(IOutboxStore))!;
        var (held, next) = (new SharedNote(key, NoteReaderGrain.HoldText), new SharedNote(key, "next"));

        await streams.GetStream<SharedNote>(StreamId.Create(NoteReaderGrain.Namespace, key)).OnNextAsync(held);
        await Eventually.TrueAsync(() => silo.Probe.Inside == 1, "the pump is delivering the first note");
        await streams.GetStream<SharedNote>(StreamId.Create(NoteReaderGrain.Namespace, key)).OnNextAsync(next);

        // Both rows are leased to this silo from their insert: another silo's claim finds neither.
        Assert.DoesNotContain(
            await outbox.ClaimAsync("other-silo", 100, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, default),
            r => r.Message.StreamNamespace == NoteReaderGrain.Namespace && r.Message.StreamKey == key.ToString(CultureInfo.InvariantCulture));
        silo.Probe.Gate.SetResult();
        await Eventually.TrueAsync(() => NoteReaderGrain.Received.TryGetValue(key, out var got) && got.Count == 2, "both notes arrived");

        // Handed over in memory, in order, as the very objects (PostgreSQL included: nothing was read back).
        var received = NoteReaderGrain.Received[key].ToArray();
        Assert.Same(held, received[0]);
        Assert.Same(next, received[1]);
        await Eventually.TrueAsync(() => outbox.GetStatsAsync(DateTimeOffset.UtcNow, default).Result.Pending == 0, "both are marked delivered");
    }

    [Fact]
    public async Task AStoppingPumpGivesBackWhatItHadNotDeliveredAtOnce()
    {
        var silo = await TestSilo.StartAsync(Storage, options: o => o.WorkersEnabled = true);
        var key = NewKey();
        var streams = (IStreamProvider)silo.Services.GetService(typeof(IStreamProvider))!;
        var left = new SharedNote(key, "left");
        await streams.GetStream<SharedNote>(StreamId.Create(NoteReaderGrain.Namespace, key)).OnNextAsync(new SharedNote(key, NoteReaderGrain.HoldText));
        await Eventually.TrueAsync(() => silo.Probe.Inside == 1, "the pump is delivering the first note");
        await streams.GetStream<SharedNote>(StreamId.Create(NoteReaderGrain.Namespace, key)).OnNextAsync(left);

        var stopping = silo.DisposeAsync().AsTask();
        await Task.Delay(100);
        silo.Probe.Gate.SetResult();
        await stopping;

        // Not after its one-minute lease: another silo can take the second note now.
        await using var other = await TestSilo.StartAsync(Storage);
        var outbox = (IOutboxStore)other.Services.GetService(typeof(IOutboxStore))!;
        var claimed = await outbox.ClaimAsync("other-silo", 100, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, default);
        var mine = Assert.Single(claimed, r => r.Message.StreamNamespace == NoteReaderGrain.Namespace && r.Message.StreamKey == key.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(left, StreamPayload.Read(mine.Message, new Activations.GrainStateJson().Options));
    }

    [Fact]
    public async Task ASubscriberThatFailsAsAStaleActivationGetsTheEventAgainAtOnce()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        var streams = (IStreamProvider)silo.Services.GetService(typeof(IStreamProvider))!;
        var eventId = Guid.NewGuid();
        await streams.GetStream<CounterChanged>(StreamId.Create(StaleOnceGrain.Namespace, key)).OnNextAsync(new CounterChanged(key, 9), new StreamSequenceToken(eventId));

        // One pass: the failed attempt's activation is dropped and the retry reaches a fresh one, with no backoff between.
        Assert.Equal(1, await silo.Control.DeliverStreamsAsync());

        var (received, attempts) = await silo.Grains.GetGrain<IStaleOnceGrain>(key).GetAsync(eventId);
        Assert.Equal([9], received);
        Assert.Equal(2, attempts);
        Assert.Equal(0, await silo.Control.DeliverStreamsAsync());
    }

    [Fact]
    public async Task GrainCallFlowsTheCallersAsyncLocals()
    {
        await using var silo = await TestSilo.StartAsync(Storage);
        ContextGrain.CallerValue.Value = "from the caller";

        Assert.Equal("from the caller", await silo.Grains.GetGrain<IContextGrain>(NewKey()).ReadCallerValueAsync());
    }

    [Fact]
    public async Task GetGrainRefusesAnInterfaceWithANonTaskMethod()
    {
        await using var silo = await TestSilo.StartAsync(Storage);

        var error = Assert.Throws<InvalidOperationException>(() => silo.Grains.GetGrain<IBadGrain>(1));
        Assert.Contains("IBadGrain.NotAMessage", error.Message);
        Assert.Contains("must return Task", error.Message);
    }

    private static async Task EventuallyFiredAsync(ICounterGrain counter, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await counter.FiredAsync()).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timer did not tick {count} times");
            await Task.Delay(5);
        }
    }
}

public sealed class MemoryGrainRuntimeTests : GrainRuntimeTests
{
    protected override TestStorage Storage { get; } = new MemoryTestStorage();
}

public sealed class PostgresGrainRuntimeTests(PostgresDatabaseFixture database) : GrainRuntimeTests, IClassFixture<PostgresDatabaseFixture>
{
    protected override TestStorage Storage { get; } = new PostgresTestStorage(database.ConnectionString);

    [Fact]
    public async Task ReminderStillFiresAfterTheSiloRestarts()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var key = NewKey();
        await using (var first = await TestSilo.StartAsync(Storage, clock))
        {
            await first.Grains.GetGrain<ICounterGrain>(key).RegisterReminderAsync("after-restart", TimeSpan.FromHours(1), TimeSpan.Zero);
        }

        clock.Advance(TimeSpan.FromHours(2));
        await using var second = await TestSilo.StartAsync(Storage, clock);
        Assert.Equal(1, await second.Control.FireDueRemindersAsync());
        Assert.Equal(["after-restart"], await second.Grains.GetGrain<ICounterGrain>(key).FiredAsync());
    }

    [Fact]
    public async Task ChangeCommittedOnAnotherSiloDropsTheStaleActivation()
    {
        await using var siloA = await TestSilo.StartAsync(Storage);
        await using var siloB = await TestSilo.StartAsync(Storage);
        var key = NewKey();
        Assert.Equal(1, await siloA.Grains.GetGrain<ICounterGrain>(key).IncrementAsync());
        Assert.Equal(2, await siloB.Grains.GetGrain<ICounterGrain>(key).IncrementAsync());

        await Eventually.TrueAsync(() => !siloA.Control.IsActive(GrainId.Create("counter", key)), "silo A drops its stale counter");
        Assert.Equal(2, await siloA.Grains.GetGrain<ICounterGrain>(key).GetAsync());
    }
}

/// <summary>One fresh PostgreSQL database per test class.</summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("database not created");

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
