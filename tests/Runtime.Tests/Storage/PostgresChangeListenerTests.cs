using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Storage.Postgres;

namespace Scheduling.Runtime.Tests.Storage;

public sealed class PostgresChangeListenerTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ListenerPassesCommittedStateChangesAndOutboxAppendsToTheRuntime()
    {
        var runtime = new RecordingRuntime();
        await using var listening = await StartListenerAsync(runtime);
        var storage = fixture.CreateGrainStorage();
        var key = new GrainStateKey(GrainId.Create("client", "acme/ada@example.com"), "profile");

        await storage.WriteAsync(new GrainStateWrite(key, 0, "{}"u8.ToArray(), [], []), default);
        Assert.Equal($"changed {key} 1", await runtime.NextAsync());

        await new PostgresOutboxStore(fixture.DataSource, fixture.Options).AppendAsync(
            [new OutboxMessage(Guid.NewGuid(), "appointments", "company-1", "AppointmentCreated", "{}"u8.ToArray(), DateTimeOffset.UnixEpoch)],
            null, default);
        Assert.Equal("outbox", await runtime.NextAsync());
    }

    [Fact]
    public async Task ListenerSkipsChangesItsOwnSiloCommitted()
    {
        // The writing activation already holds the new version; hearing it back would make it look stale.
        var runtime = new RecordingRuntime();
        var options = fixture.Options;
        await using var listening = await StartListenerAsync(runtime, options);
        var own = new GrainStateKey(GrainId.Create("calendar", 1), "state");
        var foreign = new GrainStateKey(GrainId.Create("calendar", 2), "state");

        await new PostgresGrainStorage(fixture.DataSource, options, []).WriteAsync(new GrainStateWrite(own, 0, "{}"u8.ToArray(), [], []), default);
        await fixture.CreateGrainStorage().WriteAsync(new GrainStateWrite(foreign, 0, "{}"u8.ToArray(), [], []), default);

        Assert.Equal($"changed {foreign} 1", await runtime.NextAsync());
    }

    [Fact]
    public async Task ListenerReconnectsAfterLosingItsConnectionAndReportsThatNotificationsMayHaveBeenMissed()
    {
        var runtime = new RecordingRuntime();
        await using var listening = await StartListenerAsync(runtime);

        await using (var kill = fixture.DataSource.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @app"))
        {
            kill.Parameters.AddWithValue("app", PostgresChangeListener.ListenerApplicationName);
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1, "The listener's session was not found.");
        }

        Assert.Equal("missed", await runtime.NextAsync());
        Assert.Equal("outbox", await runtime.NextAsync());

        var key = new GrainStateKey(GrainId.Create("calendar", 7), "state");
        await fixture.CreateGrainStorage().WriteAsync(new GrainStateWrite(key, 0, "{}"u8.ToArray(), [], []), default);
        Assert.Equal($"changed {key} 1", await runtime.NextAsync());
    }

    [Fact]
    public async Task ListenerWithoutARuntimeToTellIgnoresNotifications()
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        using var listener = new PostgresChangeListener(fixture.Options, services, NullLogger<PostgresChangeListener>.Instance);
        await listener.StartAsync(default);

        var key = new GrainStateKey(GrainId.Create("calendar", 8), "state");
        await fixture.CreateGrainStorage().WriteAsync(new GrainStateWrite(key, 0, "{}"u8.ToArray(), [], []), default);
        await fixture.ExecuteAsync("SELECT pg_notify('scheduling_grain_changed', 'garbage')");

        await listener.StopAsync(default);
        Assert.True(listener.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData("calendar", "42", "state", 1L)]
    [InlineData("client", "acme/ada@example.com", "profile", 17L)]
    [InlineData("client", "a/b/c", "profile", long.MaxValue)]
    [InlineData("location", "", "state", 3L)]
    public void GrainChangePayloadsRoundTripEvenWithSlashesInTheKey(string type, string key, string stateName, long version)
    {
        var stateKey = new GrainStateKey(new GrainId(type, key), stateName);

        var payload = PostgresNotifications.FormatGrainChange("silo1", stateKey, version);

        Assert.True(PostgresNotifications.TryParseGrainChange(payload, out var origin, out var parsed, out var parsedVersion));
        Assert.Equal("silo1", origin);
        Assert.Equal(stateKey, parsed);
        Assert.Equal(version, parsedVersion);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("silo1/calendar/42/state")]
    [InlineData("silo1/calendar/42/state/")]
    [InlineData("silo1/calendar/42/state/x1")]
    [InlineData("silo1/calendar/42//1")]
    [InlineData("/calendar/42/state/1")]
    [InlineData("silo1//42/state/1")]
    [InlineData("silo1/calendar/state/1")]
    [InlineData("silo1/calendar/42/state/-1")]
    public void MalformedGrainChangePayloadsAreRejected(string payload)
    {
        Assert.False(PostgresNotifications.TryParseGrainChange(payload, out _, out _, out _));
    }

    private async Task<RunningListener> StartListenerAsync(RecordingRuntime runtime, PostgresStorageOptions? options = null)
    {
        var services = new ServiceCollection()
            .AddSingleton<IGrainChangeSink>(runtime)
            .AddSingleton<IOutboxSignal>(runtime)
            .BuildServiceProvider();
        var listener = new PostgresChangeListener(options ?? fixture.Options, services, NullLogger<PostgresChangeListener>.Instance);

        // Start-up completes only once LISTEN is in place: what is committed from here on is heard.
        await listener.StartAsync(default);
        return new RunningListener(listener, services);
    }

    private sealed class RunningListener(PostgresChangeListener listener, ServiceProvider services) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await listener.StopAsync(default);
            listener.Dispose();
            await services.DisposeAsync();
        }
    }

    /// <summary>Stands in for the catalog and the stream pump; records what the listener told them, in order.</summary>
    private sealed class RecordingRuntime : IGrainChangeSink, IOutboxSignal
    {
        private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

        public void OnStateChanged(GrainStateKey key, long version) => _events.Writer.TryWrite($"changed {key} {version}");

        public void OnNotificationsMissed() => _events.Writer.TryWrite("missed");

        public void Signal() => _events.Writer.TryWrite("outbox");

        public ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async Task<string> NextAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await _events.Reader.ReadAsync(timeout.Token);
        }
    }
}
