using System.Globalization;
using System.Text;
using Npgsql;
using Orleans.Storage;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Tests.Storage;

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

    [Fact]
    public async Task ReminderChangesOfAGroupCommitWithTheirWritesAndThoseOfAStaleWriteWithNothing()
    {
        await using var storage = fixture.CreateGrainStorage();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => storage.WriteAsync(Write(i, 0, i), CancellationToken.None)));
        var due = new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

        // Every write registers a reminder of its grain; grain 21's write is stale.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Write(i, i == 21 ? 7 : 1, i + 500) with { Attachments = [new ReminderChange(Key(i).GrainId, "due", due.AddMinutes(i))] })
            .Select(async w =>
            {
                try
                {
                    return (object)await storage.WriteAsync(w, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    return ex;
                }
            }));

        Assert.IsType<InconsistentStateException>(outcomes[21]);
        Assert.Equal(49, outcomes.Count(o => o is long v && v == 2));
        Assert.Equal(49L, await fixture.ScalarAsync<long>("SELECT count(*) FROM reminders WHERE name = 'due'"));
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM reminders WHERE grain_key = '21'"));
        Assert.Equal(
            due.AddMinutes(33).UtcDateTime,
            await fixture.ScalarAsync<DateTime>("SELECT due_at FROM reminders WHERE grain_type = 'groupcommit' AND grain_key = '33'"));
    }

    [Fact]
    public async Task WritesThatUpdateTheSameSharedRowsInOppositeOrdersTakeTheirLocksInOneOrder()
    {
        await fixture.ExecuteAsync("""
            DROP TABLE IF EXISTS shared_rows;
            CREATE TABLE shared_rows (id bigint PRIMARY KEY, n int NOT NULL);
            INSERT INTO shared_rows VALUES (1, 0), (2, 0);
            CREATE OR REPLACE FUNCTION touch_shared_rows(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
            DECLARE row_id bigint;
            BEGIN
                FOREACH row_id IN ARRAY ids LOOP
                    UPDATE shared_rows SET n = n + 1 WHERE id = row_id;
                END LOOP;
            END
            $$;
            """);
        await using var storage = fixture.CreateGrainStorage(new SharedRowsWriter());
        await storage.WriteAsync(Write(1, 0, 1), CancellationToken.None);
        await storage.WriteAsync(Write(2, 0, 2), CancellationToken.None);

        // Another session holds row 2. Write B (rows 2 then 1) queues behind it, then write A (rows 1 then 2) starts.
        // Taken as given, B would wait on row 2 holding nothing and A would take row 1 and wait on row 2 behind B:
        // once row 2 is free, B takes it and waits on row 1 held by A, a cycle that only PostgreSQL's deadlock
        // check (set to 30 s here) would break. In one order, each takes row 1 first and the other simply waits.
        await using var holder = await fixture.DataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT n FROM shared_rows WHERE id = 2 FOR UPDATE", holder, hold))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var b = storage.WriteAsync(Write(2, 1, 20) with { Attachments = [new TouchRows([2, 1])] }, CancellationToken.None);
        await WaitForLockWaitersAsync(1);
        var a = storage.WriteAsync(Write(1, 1, 10) with { Attachments = [new TouchRows([1, 2])] }, CancellationToken.None);
        await WaitForLockWaitersAsync(2);
        await hold.CommitAsync();

        var versions = await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal([2L, 2L], versions);
        Assert.Equal(4L, await fixture.ScalarAsync<long>("SELECT sum(n) FROM shared_rows"));
    }

    private async Task WaitForLockWaitersAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} sessions never waited on a lock");
            await Task.Delay(10);
        }
    }

    /// <summary>Adds one to each of its rows of shared_rows, in the order given.</summary>
    private sealed record TouchRows(long[] Rows) : IStateWriteAttachment;

    private sealed class SharedRowsWriter : IPostgresAttachmentWriter
    {
        public Type AttachmentType => typeof(TouchRows);

        // The deadlock check would break a cycle after 30 s instead of 1 s: the test's limit is well below that.
        public void AddCommands(IReadOnlyList<IStateWriteAttachment> attachments, NpgsqlBatch batch) =>
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL deadlock_timeout = '30s'"));

        // Updates its rows one at a time in the order given, so only the runtime's locks keep the order.
        public SharedRowUpdate? SharedRowUpdate(IReadOnlyList<IStateWriteAttachment> attachments)
        {
            var rows = attachments.Cast<TouchRows>().SelectMany(t => t.Rows).ToArray();
            var command = new NpgsqlBatchCommand("SELECT touch_shared_rows($1)");
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows });
            return new SharedRowUpdate("shared_rows", rows, command);
        }
    }

    private static GrainStateKey Key(int i) => new(GrainId.Create("groupcommit", i.ToString(CultureInfo.InvariantCulture)), "state");

    private static GrainStateWrite Write(int i, long expected, int value, Guid? eventId = null) => new(
        Key(i),
        expected,
        Encoding.UTF8.GetBytes($"{{\"n\": {value}}}"),
        eventId is { } id ? [new OutboxMessage(id, "test", i.ToString(CultureInfo.InvariantCulture), i % 4, "t", "{}"u8.ToArray(), DateTimeOffset.UtcNow)] : [],
        []);
}
