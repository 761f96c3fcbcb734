using System.Text;
using Npgsql;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Storage.Postgres;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>
/// The PostgreSQL outbox read in commit order: a receiver reads only rows of transactions older than every one still
/// running, by (txid, sequence), so a row committed late never appears behind the receiver's cursor.
/// </summary>
public sealed class PostgresOutboxStoreTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    // Advisory locks are per database; the migrations use another key.
    private const long WriteGateLock = 4242;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AReaderNeverStepsOverARowCommittedLateByATransactionThatTookAnEarlierSequence()
    {
        var outbox = new PostgresOutboxStore(fixture.DataSource);
        var (early, late) = (Message("a"), Message("b"));

        // Transaction A inserts its row first (the lower sequence) and stays open.
        await using var connectionA = await fixture.DataSource.OpenConnectionAsync();
        await using var transactionA = await connectionA.BeginTransactionAsync();
        await using (var insertA = new NpgsqlBatch(connectionA, transactionA))
        {
            insertA.BatchCommands.Add(PostgresOutboxStore.CreateInsertCommand([early]));
            await insertA.ExecuteNonQueryAsync();
        }

        // Transaction B inserts a later row in the same queue and commits first.
        await outbox.AppendAsync([late], default);
        Assert.Equal(2L, await fixture.ScalarAsync<long>("SELECT max(sequence) FROM outbox"));

        // While A is open its transaction id holds the reader back: B's row must not be read ahead of A's.
        var whileAIsOpen = await outbox.ReadAsync(0, OutboxCursor.Start, 10, default);
        Assert.DoesNotContain(whileAIsOpen, r => r.Message.EventId == late.EventId);
        Assert.Empty(whileAIsOpen);

        await transactionA.CommitAsync();
        await fixture.WaitForOutboxHorizonAsync();

        var all = await outbox.ReadAsync(0, OutboxCursor.Start, 10, default);
        Assert.Equal([early.EventId, late.EventId], all.Select(r => r.Message.EventId));
        Assert.True(all[0].Position.Transaction < all[1].Position.Transaction);
        Assert.Equal([1L, 2L], all.Select(r => r.Sequence));
        var afterFirst = await outbox.ReadAsync(0, all[0].Position, 10, default);
        Assert.Equal([late.EventId], afterFirst.Select(r => r.Message.EventId));
        Assert.Empty(await outbox.ReadAsync(0, all[1].Position, 10, default));
    }

    [Fact]
    public async Task ARowCommittedLateByATransactionThatTookALaterSequenceStillComesAfterTheCursorOfEverythingReadBeforeIt()
    {
        var outbox = new PostgresOutboxStore(fixture.DataSource);
        var (first, overtaken, late) = (Message("a"), Message("b"), Message("c"));
        await outbox.AppendAsync([first], default);
        await fixture.WaitForOutboxHorizonAsync();
        var read = Assert.Single(await outbox.ReadAsync(0, OutboxCursor.Start, 10, default));

        // Transaction A takes its transaction id with a row of another queue, then B commits a row of queue 0, then A
        // adds its own row of queue 0 (the higher sequence) and commits last.
        await using var connectionA = await fixture.DataSource.OpenConnectionAsync();
        await using var transactionA = await connectionA.BeginTransactionAsync();
        await using (var other = new NpgsqlBatch(connectionA, transactionA))
        {
            other.BatchCommands.Add(PostgresOutboxStore.CreateInsertCommand([Message("x", queue: 1)]));
            await other.ExecuteNonQueryAsync();
        }

        await outbox.AppendAsync([overtaken], default);
        Assert.Empty(await outbox.ReadAsync(0, read.Position, 10, default));
        await using (var insertA = new NpgsqlBatch(connectionA, transactionA))
        {
            insertA.BatchCommands.Add(PostgresOutboxStore.CreateInsertCommand([late]));
            await insertA.ExecuteNonQueryAsync();
        }

        await transactionA.CommitAsync();
        await fixture.WaitForOutboxHorizonAsync();

        // In commit order: A's transaction began first, so its row comes first although its sequence is higher.
        var rest = await outbox.ReadAsync(0, read.Position, 10, default);
        Assert.Equal([late.EventId, overtaken.EventId], rest.Select(r => r.Message.EventId));
        Assert.True(rest[0].Sequence > rest[1].Sequence);
    }

    [Fact]
    public async Task AMessageWrittenWithAStateWriteIsReadableOnlyOnceTheWriteHasCommitted()
    {
        var outbox = new PostgresOutboxStore(fixture.DataSource);
        await using var storage = fixture.CreateGrainStorage(new GateWriter());
        var (written, appended) = (Message("written"), Message("appended"));

        // Another session holds the gate (in a transaction that takes no transaction id of its own): the write inserts
        // its state and outbox rows, then waits in its transaction.
        await using var holder = await fixture.DataSource.OpenConnectionAsync();
        await using var gate = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, $"SELECT pg_advisory_xact_lock({WriteGateLock})");
        var write = storage.WriteAsync(
            new GrainStateWrite(new GrainStateKey(GrainId.Create("calendar", "42"), "state"), 0, "{}"u8.ToArray(), [written], [new Gate()]),
            default);
        await WaitForLockWaiterAsync();

        Assert.Empty(await outbox.ReadAsync(0, OutboxCursor.Start, 10, default));

        // A message published meanwhile commits, but is not read ahead of the write still in flight.
        await outbox.AppendAsync([appended], default);
        Assert.Empty(await outbox.ReadAsync(0, OutboxCursor.Start, 10, default));
        Assert.False(write.IsCompleted);

        await gate.CommitAsync();
        Assert.Equal(1, await write.WaitAsync(TimeSpan.FromSeconds(15)));
        await fixture.WaitForOutboxHorizonAsync();

        var read = await outbox.ReadAsync(0, OutboxCursor.Start, 10, default);
        Assert.Equal([written.EventId, appended.EventId], read.Select(r => r.Message.EventId));
        Assert.Equal("{}", Encoding.UTF8.GetString(read[0].Message.Payload));
    }

    [Fact]
    public async Task TheRowsOfOneTransactionShareItsPositionAndKeepTheirOrder()
    {
        var outbox = new PostgresOutboxStore(fixture.DataSource);
        var messages = Enumerable.Range(0, 5).Select(i => Message($"k{i}")).ToArray();

        await outbox.AppendAsync(messages, default);
        await fixture.WaitForOutboxHorizonAsync();

        var read = await outbox.ReadAsync(0, OutboxCursor.Start, 10, default);
        Assert.Equal(messages.Select(m => m.EventId), read.Select(r => r.Message.EventId));
        Assert.Single(read.Select(r => r.Position.Transaction).Distinct());
        Assert.Equal(read.Select(r => r.Sequence).Order(), read.Select(r => r.Sequence));
        Assert.Equal(messages.Skip(3).Select(m => m.EventId), (await outbox.ReadAsync(0, read[2].Position, 10, default)).Select(r => r.Message.EventId));
    }

    private async Task WaitForLockWaiterAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The write never waited on the gate.");
            await Task.Delay(10);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static OutboxMessage Message(string streamKey, int queue = 0) =>
        new(Guid.NewGuid(), "appointments", streamKey, queue, "AppointmentCreated", "{}"u8.ToArray(), T0);

    /// <summary>Makes a write wait, inside its transaction and after its outbox rows, until the gate lock is free.</summary>
    private sealed record Gate : IStateWriteAttachment;

    private sealed class GateWriter : IPostgresAttachmentWriter
    {
        public Type AttachmentType => typeof(Gate);

        public void AddCommands(IReadOnlyList<IStateWriteAttachment> attachments, NpgsqlBatch batch) =>
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({WriteGateLock})"));
    }
}
