using System.Text;
using Scheduling.Runtime.Storage;

namespace Scheduling.Runtime.Tests.Storage;

/// <summary>Many grains' writes share one transaction; a bad write fails alone and takes nothing with it.</summary>
public sealed class PostgresGroupCommitTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ConcurrentWritesOfManyGrainsAllCommitWithTheirVersions()
    {
        await using var storage = fixture.CreateGrainStorage();

        var versions = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => storage.WriteAsync(Write(i, 0, i), CancellationToken.None)));
        var second = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => storage.WriteAsync(Write(i, 1, i + 1000), CancellationToken.None)));

        Assert.All(versions, v => Assert.Equal(1, v));
        Assert.All(second, v => Assert.Equal(2, v));
        Assert.Equal(300, await fixture.ScalarAsync<long>("SELECT count(*) FROM grain_state WHERE version = 2"));
        Assert.Equal("{\"n\": 1007}", Encoding.UTF8.GetString((await storage.ReadAsync(Key(7), CancellationToken.None))!.Payload!));
    }

    [Fact]
    public async Task ConcurrentReadsOfManyGrainsEachGetTheirOwnState()
    {
        await using var storage = fixture.CreateGrainStorage();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => storage.WriteAsync(Write(i, 0, i), CancellationToken.None)));
        await storage.WriteAsync(Write(7, 1, 1007), CancellationToken.None);

        // Existing and missing keys side by side, some asked for twice: grouped lookups answer each by its key.
        var keys = Enumerable.Range(0, 300).Concat(Enumerable.Range(0, 50)).ToList();
        var reads = await Task.WhenAll(keys.Select(i => storage.ReadAsync(Key(i), CancellationToken.None)));

        for (var n = 0; n < keys.Count; n++)
        {
            var i = keys[n];
            if (i >= 200)
            {
                Assert.Null(reads[n]);
                continue;
            }

            Assert.Equal(i == 7 ? 2 : 1, reads[n]!.Version);
            Assert.Equal($"{{\"n\": {(i == 7 ? 1007 : i)}}}", Encoding.UTF8.GetString(reads[n]!.Payload!));
        }
    }

    [Fact]
    public async Task StaleAndFailingWritesInAGroupFailAloneAndTheRestCommit()
    {
        await using var storage = fixture.CreateGrainStorage();
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => storage.WriteAsync(Write(i, 0, i), CancellationToken.None)));
        var usedEvent = Guid.NewGuid();
        await storage.WriteAsync(Write(100, 0, 100, usedEvent), CancellationToken.None);

        // 100 good writes, one stale (grain 13 expects version 5), one whose outbox event already exists.
        var writes = Enumerable.Range(0, 100).Select(i => i == 13 ? Write(i, 5, -1) : Write(i, 1, i + 500, Guid.NewGuid()))
            .Append(Write(100, 1, -2, usedEvent))
            .Select(w => storage.WriteAsync(w, CancellationToken.None))
            .ToList();
        var outcomes = await Task.WhenAll(writes.Select(async t =>
        {
            try
            {
                return (object)await t;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }));

        Assert.IsType<InconsistentStateException>(outcomes[13]);
        Assert.IsAssignableFrom<Exception>(outcomes[100]);
        Assert.Equal(99, outcomes.Count(o => o is long v && v == 2));
        Assert.Equal(99 + 1, await fixture.ScalarAsync<long>("SELECT count(*) FROM outbox"));
        Assert.Equal(1, (await storage.ReadAsync(Key(13), CancellationToken.None))!.Version);
        Assert.Equal(1, (await storage.ReadAsync(Key(100), CancellationToken.None))!.Version);
    }

    private static GrainStateKey Key(int i) => new(GrainId.Create("groupcommit", i), "state");

    private static GrainStateWrite Write(int i, long expected, int value, Guid? eventId = null) => new(
        Key(i),
        expected,
        Encoding.UTF8.GetBytes($"{{\"n\": {value}}}"),
        eventId is { } id ? [new OutboxMessage(id, "test", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "t", "{}"u8.ToArray(), DateTimeOffset.UtcNow)] : [],
        []);
}
