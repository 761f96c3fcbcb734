using Npgsql;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Storage.Postgres;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>What only the PostgreSQL state store does: database errors as raised, jsonb, writers, health.</summary>
public sealed class PostgresGrainStorageTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AFailingAttachmentFailsTheWriteWithTheDatabaseErrorAndRollsBackTheStateAndItsOutboxMessages()
    {
        await using var storage = fixture.CreateGrainStorage(new PostgresNoteWriter());
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
    public void TwoWritersForOneAttachmentTypeAreRefused()
    {
        Assert.Throws<InvalidOperationException>(() => fixture.CreateGrainStorage(new PostgresNoteWriter(), new PostgresNoteWriter()));
    }

    [Fact]
    public async Task StateIsStoredAsQueryableJsonb()
    {
        await using var storage = fixture.CreateGrainStorage();
        var key = NewKey();

        await storage.WriteAsync(new GrainStateWrite(key, 0, "{\"name\" :  \"Ada\", \"seats\": 3}"u8.ToArray(), [], []), default);

        Assert.Equal("Ada", await fixture.ScalarAsync<string>("SELECT payload->>'name' FROM grain_state"));
        Assert.Equal("jsonb", await fixture.ScalarAsync<string>("SELECT pg_typeof(payload)::text FROM grain_state"));
    }

    [Fact]
    public async Task AGrainIdIsStoredAsItsTypeAndKeyText()
    {
        await using var storage = fixture.CreateGrainStorage();
        var key = new GrainStateKey(GrainId.Create("client", "acme/ada@example.com"), "profile");

        await storage.WriteAsync(Write(key, 0, []), default);

        Assert.Equal("client|acme/ada@example.com|profile", await fixture.ScalarAsync<string>("SELECT grain_type || '|' || grain_key || '|' || state_name FROM grain_state"));
    }

    [Fact]
    public async Task AWriteThatKeepsThePayloadLeavesThePayloadsTimeAsItWas()
    {
        await using var storage = fixture.CreateGrainStorage();
        var key = NewKey();
        await storage.WriteAsync(Write(key, 0, []), default);
        await fixture.ExecuteAsync("UPDATE grain_state SET updated_at = '2001-01-01T00:00:00Z'");

        await storage.WriteAsync(Write(key, 1, [Message()]) with { Payload = null, KeepPayload = true }, default);

        Assert.Equal(2L, await fixture.ScalarAsync<long>("SELECT version FROM grain_state"));
        Assert.Equal(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), await fixture.ScalarAsync<DateTime>("SELECT updated_at FROM grain_state"));
        Assert.Equal("{\"v\": 1}", await fixture.ScalarAsync<string>("SELECT payload::text FROM grain_state"));
    }

    [Fact]
    public async Task AnUnreachableServerReportsUnhealthy()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=2");
        await using var storage = new PostgresGrainStorage(dataSource, new PostgresStorageOptions { ConnectionString = "unused" }, []);

        Assert.False(await storage.IsReachableAsync(default));
        Assert.False(await storage.IsReadyAsync(TimeSpan.FromSeconds(5), default));
    }

    private static GrainStateKey NewKey() => new(GrainId.Create("calendar", Guid.NewGuid().ToString("N")), "state");

    private static GrainStateWrite Write(GrainStateKey key, long expectedVersion, OutboxMessage[] outbox, params IStateWriteAttachment[] attachments) =>
        new(key, expectedVersion, "{\"v\":1}"u8.ToArray(), outbox, attachments);

    private static OutboxMessage Message() =>
        new(Guid.NewGuid(), "appointments", "company-1", 0, "AppointmentCreated", "{}"u8.ToArray(), T0);
}
