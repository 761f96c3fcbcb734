using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Scheduling.Runtime.Storage.Postgres;

/// <summary>
/// Listens on a dedicated connection for the NOTIFYs that silos publish when they commit, and passes them on:
/// grain state changes to the catalog (which drops stale activations), outbox appends to the stream pump.
/// When the connection drops it reconnects with backoff and, once listening again, tells the catalog that
/// notifications may have been missed meanwhile.
/// </summary>
public sealed partial class PostgresChangeListener : BackgroundService
{
    /// <summary>application_name of the listening session when the connection string sets none.</summary>
    internal const string ListenerApplicationName = "scheduling-change-listener";

    /// <summary>How long start-up waits for the first LISTEN before going on without it (and catching up later).</summary>
    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly PostgresStorageOptions _options;
    private readonly string _connectionString;
    private readonly ILogger<PostgresChangeListener> _logger;

    // Resolved on first use: the runtime core registers them, and they may depend on services built after us.
    private readonly Lazy<IGrainChangeSink?> _changeSink;
    private readonly Lazy<IOutboxSignal?> _outboxSignal;

    private readonly TaskCompletionSource _firstListen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PostgresChangeListener(PostgresStorageOptions options, IServiceProvider services, ILogger<PostgresChangeListener> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _logger = logger;
        _changeSink = new Lazy<IGrainChangeSink?>(services.GetService<IGrainChangeSink>);
        _outboxSignal = new Lazy<IOutboxSignal?>(services.GetService<IOutboxSignal>);

        // Outside the pool: a LISTENing session must not be handed to other code, and keepalives make a
        // silently dead connection fail the wait instead of blocking it forever.
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false };
        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = 15;
        }

        builder.ApplicationName = string.IsNullOrEmpty(builder.ApplicationName)
            ? ListenerApplicationName
            : $"{builder.ApplicationName}-listener";
        _connectionString = builder.ConnectionString;
    }

    /// <summary>
    /// Returns once the listener is subscribed, so that hosted services started after it (the silo) never
    /// create an activation that a change committed elsewhere in the meantime would fail to reach.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
        if (!_options.NotifyChanges)
        {
            return;
        }

        try
        {
            await _firstListen.Task.WaitAsync(StartupWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The loop keeps trying; when it gets through it reports missed notifications to the catalog.
            LogStartupWithoutListening(_logger, StartupWait);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.NotifyChanges)
        {
            return;
        }

        var delay = FirstRetryDelay;
        var mayHaveMissed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += OnNotification;
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand(
                    $"LISTEN {PostgresNotifications.GrainChangedChannel}; LISTEN {PostgresNotifications.OutboxChannel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                LogListening(_logger);
                if (mayHaveMissed)
                {
                    // Only now that we listen again: anything committed from here on reaches us.
                    _changeSink.Value?.OnNotificationsMissed();
                    _outboxSignal.Value?.Signal();
                    mayHaveMissed = false;
                }

                delay = FirstRetryDelay;
                _firstListen.TrySetResult();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                mayHaveMissed = true;
                LogConnectionLost(_logger, ex, delay);
            }

            try
            {
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        try
        {
            switch (e.Channel)
            {
                case PostgresNotifications.GrainChangedChannel:
                    if (PostgresNotifications.TryParseGrainChange(e.Payload, out var origin, out var key, out var version))
                    {
                        if (origin != _options.NotificationOrigin)
                        {
                            _changeSink.Value?.OnStateChanged(key, version);
                        }
                    }
                    else
                    {
                        LogMalformed(_logger, e.Payload);
                    }

                    break;
                case PostgresNotifications.OutboxChannel:
                    _outboxSignal.Value?.Signal();
                    break;
            }
        }
        catch (Exception ex)
        {
            // A failing subscriber must not tear down the connection every other notification depends on.
            LogSubscriberFailed(_logger, ex, e.Channel);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening for grain and outbox notifications")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not yet listening for changes of other silos after {Wait}; starting anyway")]
    private static partial void LogStartupWithoutListening(ILogger logger, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification connection failed; reconnecting in {Delay}")]
    private static partial void LogConnectionLost(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring malformed grain change notification '{Payload}'")]
    private static partial void LogMalformed(ILogger logger, string payload);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a notification on channel {Channel} failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, string channel);
}
