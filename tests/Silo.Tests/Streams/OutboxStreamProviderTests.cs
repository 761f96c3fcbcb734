using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Storage.Postgres;
using Scheduling.TestSupport;

namespace Scheduling.Silo.Tests.Streams;

/// <summary>
/// What we add to Orleans, on both stores: grain state whose writes commit the turn's events (the outbox grain storage)
/// and the persistent stream provider over the outbox that delivers them to implicit subscribers, at least once, with
/// dead letters for events that keep failing.
/// </summary>
public abstract class OutboxStreamProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    protected OutboxTestSilo Silo { get; set; } = null!;

    protected abstract Task<string?> CreateStorageAsync();

    public virtual async Task InitializeAsync() =>
        Silo = await OutboxTestSilo.StartAsync(await CreateStorageAsync(), settings: new Dictionary<string, string?>
        {
            // A failing event is given up (and dead-lettered) after two seconds of retries instead of a minute.
            ["Streams:PullingAgent:MaxEventDeliveryTime"] = "00:00:02",
        });

    public virtual async Task DisposeAsync() => await Silo.DisposeAsync();

    [Fact]
    public async Task EventsCommittedWithAStateWriteReachTheImplicitSubscriberInOrderAndLeaveTheOutbox()
    {
        var probe = Silo.Grains.GetGrain<IOutboxProbeGrain>(11);
        await probe.CommitAsync("first");
        await probe.CommitAsync("second");
        await probe.CommitAsync("third");

        var received = await Silo.Log.WaitForAsync(r => r.Count(e => e.Key == 11) >= 3, Delivery);
        Assert.Equal(["first", "second", "third"], received.Where(e => e.Key == 11).Select(e => e.Text));
        Assert.Equal(3, received.Where(e => e.Key == 11).Select(e => e.EventId).Distinct().Count());
        await WaitForEmptyOutboxAsync();
    }

    [Fact]
    public async Task ATurnThatFailsCommitsNoneOfItsEventsAndLeavesNoneForTheNextWrite()
    {
        var probe = Silo.Grains.GetGrain<IOutboxProbeGrain>(12);
        await Assert.ThrowsAsync<InvalidOperationException>(() => probe.FailAfterPublishingAsync("never"));
        await probe.CommitAsync("after");

        var received = await Silo.Log.WaitForAsync(r => r.Any(e => e.Key == 12 && e.Text == "after"), Delivery);
        await WaitForEmptyOutboxAsync();
        Assert.DoesNotContain(Silo.Log.Received, e => e.Text == "never");
        Assert.Single(received, e => e.Key == 12);
    }

    [Fact]
    public async Task EventsOfATurnThatWritesNoStateAreAppendedOnTheirOwn()
    {
        var probe = Silo.Grains.GetGrain<IOutboxProbeGrain>(13);
        await probe.PublishWithoutWriteAsync("alone");

        await Silo.Log.WaitForAsync(r => r.Any(e => e.Key == 13 && e.Text == "alone"), Delivery);
        Assert.Equal(0, await probe.WritesAsync());
    }

    [Fact]
    public async Task AnEventThatKeepsFailingIsDeadLetteredCountedAndListedAndTheStreamsNextEventsStillFlow()
    {
        var probe = Silo.Grains.GetGrain<IOutboxProbeGrain>(14);
        await probe.CommitPoisonAsync("poison");
        await probe.CommitAsync("healthy");

        await Silo.Log.WaitForAsync(r => r.Any(e => e.Key == 14 && e.Text == "healthy"), Delivery);
        var store = Silo.Services.GetRequiredService<IOutboxStore>();
        var deadline = DateTime.UtcNow + Delivery;
        IReadOnlyList<DeadLetter> letters;
        while ((letters = await store.ReadDeadLettersAsync(10, default)).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the failing event was not dead-lettered");
            await Task.Delay(50);
        }

        var letter = Assert.Single(letters);
        Assert.Equal((OutboxProbeGrain.PoisonNamespace, "14"), (letter.Message.StreamNamespace, letter.Message.StreamKey));
        Assert.Contains("poison", System.Text.Encoding.UTF8.GetString(letter.Message.Payload), StringComparison.Ordinal);
        Assert.Equal("delivery to the subscriber kept failing", letter.Reason);
        var stats = await WaitForEmptyOutboxAsync();
        Assert.Equal(1, stats.DeadLetters);
    }

    protected async Task<OutboxStats> WaitForEmptyOutboxAsync()
    {
        var store = Silo.Services.GetRequiredService<IOutboxStore>();
        var deadline = DateTime.UtcNow + Delivery;
        OutboxStats stats;
        while ((stats = await store.GetStatsAsync(DateTimeOffset.UtcNow, default)).Pending > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{stats.Pending} events are still in the outbox");
            await Task.Delay(20);
        }

        return stats;
    }
}

public sealed class MemoryOutboxStreamProviderTests : OutboxStreamProviderTests
{
    protected override Task<string?> CreateStorageAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresOutboxStreamProviderTests : OutboxStreamProviderTests
{
    private PostgresTestDatabase _database = null!;

    protected override async Task<string?> CreateStorageAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return _database.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task EventsCommittedWhileNoSiloRanAreDeliveredWhenOneStarts()
    {
        // A silo that committed these and died before delivering them: the rows are all that is left.
        await Silo.DisposeAsync();
        await using (var dataSource = NpgsqlDataSource.Create(_database.ConnectionString))
        {
            var json = new GrainStateJson().Options;
            var store = new PostgresOutboxStore(dataSource);
            await store.AppendAsync(
                [.. Enumerable.Range(1, 20).Select(i => StreamPayload.CreateMessage(
                    StreamId.Create(OutboxProbeGrain.Namespace, 100 + i), new ProbeEvent($"orphan {i}"), Guid.NewGuid(), DateTimeOffset.UtcNow, json))],
                default);
        }

        Silo = await OutboxTestSilo.StartAsync(_database.ConnectionString);
        var received = await Silo.Log.WaitForAsync(r => r.Count >= 20, TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"orphan {i}").Order(), received.Select(e => e.Text).Order());
        await WaitForEmptyOutboxAsync();
    }

    [Fact]
    public async Task AWriteFromAStaleVersionFailsAndTheNextCallReloadsWhatIsStored()
    {
        var probe = Silo.Grains.GetGrain<IOutboxProbeGrain>(15);
        await probe.CommitAsync("one");
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var bump = new NpgsqlCommand(
                "UPDATE grain_state SET version = version + 1, payload = '{\"Writes\": 41}' WHERE state_name = 'probe'", connection);
            Assert.Equal(1, await bump.ExecuteNonQueryAsync());
        }

        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => probe.CommitAsync("stale"));
        Assert.Equal(41, await probe.WritesAsync());
        await probe.CommitAsync("fresh");
        Assert.Equal(42, await probe.WritesAsync());
        await Silo.Log.WaitForAsync(r => r.Any(e => e.Key == 15 && e.Text == "fresh"), TimeSpan.FromSeconds(15));
        Assert.DoesNotContain(Silo.Log.Received, e => e.Text == "stale");
    }
}
