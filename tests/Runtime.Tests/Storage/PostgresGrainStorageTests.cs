using Npgsql;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Storage.Postgres;

namespace Scheduling.Runtime.Tests.Storage;

/// <summary>What only the PostgreSQL provider does: attachments in the write transaction, NOTIFY, jsonb, health.</summary>
public sealed class PostgresGrainStorageTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        await fixture.ResetAsync();
        await fixture.ExecuteAsync(
            """
            CREATE TABLE IF NOT EXISTS test_notes (id text PRIMARY KEY, text text NOT NULL CHECK (text <> 'forbidden'));
            TRUNCATE test_notes;
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AttachmentRowsCommitInTheStateWriteTransaction()
    {
        var storage = fixture.CreateGrainStorage(new NoteWriter());
        var key = NewKey();

        await storage.WriteAsync(Write(key, 0, [], new NoteAttachment("n1", "hello")), default);

        Assert.Equal("hello", await fixture.ScalarAsync<string>("SELECT text FROM test_notes WHERE id = 'n1'"));
        Assert.Equal(1, (await storage.ReadAsync(key, default))!.Version);
    }

    [Fact]
    public async Task AFailingAttachmentRollsBackTheStateAndItsOutboxMessages()
    {
        var storage = fixture.CreateGrainStorage(new NoteWriter());
        var key = NewKey();
        await storage.WriteAsync(Write(key, 0, []), default);

        var error = await Assert.ThrowsAsync<PostgresException>(() => storage.WriteAsync(
            Write(key, 1, [Message()], new NoteAttachment("n1", "fine"), new NoteAttachment("n2", "forbidden")), default));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Equal(1, (await storage.ReadAsync(key, default))!.Version);
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM outbox"));
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM test_notes"));
    }

    [Fact]
    public async Task AnAttachmentWithoutAWriterFailsTheWriteBeforeAnythingIsWritten()
    {
        var storage = fixture.CreateGrainStorage();
        var key = NewKey();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => storage.WriteAsync(Write(key, 0, [Message()], new NoteAttachment("n1", "hello")), default));

        Assert.Contains(nameof(NoteAttachment), error.Message, StringComparison.Ordinal);
        Assert.Null(await storage.ReadAsync(key, default));
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM outbox"));
    }

    [Fact]
    public void TwoWritersForOneAttachmentTypeAreRefused()
    {
        Assert.Throws<InvalidOperationException>(() => fixture.CreateGrainStorage(new NoteWriter(), new NoteWriter()));
    }

    [Fact]
    public async Task AStaleWriteWhoseAttachmentAlsoFailsIsReportedAsAVersionConflict()
    {
        // A stale activation computes its domain rows from stale state; the conflict is what it must see, so it reloads.
        var storage = fixture.CreateGrainStorage(new NoteWriter());
        var key = NewKey();
        await storage.WriteAsync(Write(key, 0, []), default);
        await storage.WriteAsync(Write(key, 1, []), default);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteAsync(Write(key, 1, [Message()], new NoteAttachment("n1", "forbidden")), default));

        Assert.Equal(2, (await storage.ReadAsync(key, default))!.Version);
    }

    [Fact]
    public async Task AVersionConflictNamesTheStateAndBothVersions()
    {
        var storage = fixture.CreateGrainStorage();
        var key = NewKey();
        await storage.WriteAsync(Write(key, 0, []), default);
        await storage.WriteAsync(Write(key, 1, []), default);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(Write(key, 1, []), default));

        Assert.Equal("2", conflict.StoredEtag);
        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Contains(key.ToString(), conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateIsStoredAsQueryableJsonb()
    {
        var storage = fixture.CreateGrainStorage();
        var key = NewKey();

        await storage.WriteAsync(new GrainStateWrite(key, 0, "{\"name\" :  \"Ada\", \"seats\": 3}"u8.ToArray(), [], []), default);

        Assert.Equal("Ada", await fixture.ScalarAsync<string>("SELECT payload->>'name' FROM grain_state"));
        Assert.Equal("jsonb", await fixture.ScalarAsync<string>("SELECT pg_typeof(payload)::text FROM grain_state"));
    }

    [Fact]
    public async Task ACommittedWriteNotifiesOtherSilosAndAFailedOneDoesNot()
    {
        var options = fixture.Options;
        var storage = new PostgresGrainStorage(fixture.DataSource, options, []);
        await using var listener = await fixture.DataSource.OpenConnectionAsync();
        var received = new List<(string Channel, string Payload)>();
        listener.Notification += (_, e) => received.Add((e.Channel, e.Payload));
        await using (var listen = new NpgsqlCommand("LISTEN scheduling_grain_changed; LISTEN scheduling_outbox;", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var key = new GrainStateKey(GrainId.Create("client", "acme/ada@example.com"), "profile");
        await storage.WriteAsync(Write(key, 0, [Message()]), default);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(Write(key, 0, [Message()]), default));
        var other = NewKey();
        await storage.WriteAsync(Write(other, 0, []), default);

        while (received.Count < 3)
        {
            Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)), "Expected notification did not arrive.");
        }

        Assert.Equal(
            [
                ("scheduling_grain_changed", $"{options.NotificationOrigin}/client/acme/ada@example.com/profile/1"),
                ("scheduling_outbox", string.Empty),
                ("scheduling_grain_changed", $"{options.NotificationOrigin}/calendar/{other.GrainId.Key}/state/1"),
            ],
            received);
    }

    [Fact]
    public async Task WithNotificationsOffAWritePublishesNothing()
    {
        var options = fixture.Options;
        options.NotifyChanges = false;
        var storage = new PostgresGrainStorage(fixture.DataSource, options, []);
        await using var listener = await fixture.DataSource.OpenConnectionAsync();
        var received = new List<string>();
        listener.Notification += (_, e) => received.Add(e.Channel);
        await using (var listen = new NpgsqlCommand("LISTEN scheduling_grain_changed; LISTEN scheduling_outbox; LISTEN test_sentinel;", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await storage.WriteAsync(Write(NewKey(), 0, [Message()]), default);
        await new PostgresOutboxStore(fixture.DataSource, options).AppendAsync([Message()], null, default);
        await fixture.ExecuteAsync("NOTIFY test_sentinel");

        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["test_sentinel"], received);
    }

    [Fact]
    public async Task AnUnreachableServerReportsUnhealthy()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=2");
        var storage = new PostgresGrainStorage(dataSource, new PostgresStorageOptions { ConnectionString = "unused" }, []);

        Assert.False(await storage.IsReachableAsync(default));
    }

    private static GrainStateKey NewKey() => new(GrainId.Create("calendar", Guid.NewGuid()), "state");

    private static GrainStateWrite Write(GrainStateKey key, long expectedVersion, OutboxMessage[] outbox, params IStateWriteAttachment[] attachments) =>
        new(key, expectedVersion, "{\"v\":1}"u8.ToArray(), outbox, attachments);

    private static OutboxMessage Message() =>
        new(Guid.NewGuid(), "appointments", "company-1", "AppointmentCreated", "{}"u8.ToArray(), T0);

    private sealed record NoteAttachment(string Id, string Text) : IStateWriteAttachment;

    private sealed class NoteWriter : IPostgresAttachmentWriter
    {
        public Type AttachmentType => typeof(NoteAttachment);

        public void AddCommands(IReadOnlyList<IStateWriteAttachment> attachments, NpgsqlBatch batch)
        {
            var notes = attachments.Cast<NoteAttachment>().ToList();
            var command = new NpgsqlBatchCommand("INSERT INTO test_notes (id, text) SELECT * FROM unnest(@ids, @texts)");
            command.Parameters.AddWithValue("ids", notes.Select(n => n.Id).ToArray());
            command.Parameters.AddWithValue("texts", notes.Select(n => n.Text).ToArray());
            batch.BatchCommands.Add(command);
        }
    }
}
