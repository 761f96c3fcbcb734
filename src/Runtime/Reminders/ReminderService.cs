using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduling.Runtime.Activations;
using Scheduling.Runtime.Dispatch;
using Scheduling.Runtime.Hosting;
using Scheduling.Runtime.Telemetry;

namespace Scheduling.Runtime.Reminders;

/// <summary>
/// Fires due reminders: claims them under a lease (so one silo fires each tick), delivers
/// <see cref="IRemindable.ReceiveReminder"/> as a turn of the grain, then moves a periodic reminder
/// to its next tick or removes a one-shot one. A failed tick keeps its lease until it expires and is
/// then retried, by this silo or another.
/// </summary>
internal sealed class ReminderService(
    IReminderTable table,
    Catalog catalog,
    TimeProvider time,
    IOptions<GrainRuntimeOptions> options,
    ILogger<ReminderService> logger) : BackgroundService
{
    private readonly GrainRuntimeOptions _options = options.Value;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.WorkersEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FireDueAsync(stoppingToken);
                await Task.Delay(_options.ReminderPollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Reminder pass failed");
                await Task.Delay(_options.ReminderPollInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>One claim-and-fire pass; returns how many ticks were delivered.</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var due = await table.ClaimDueAsync(_options.SiloName, now, _options.WorkBatchSize, _options.WorkLease, cancellationToken);
            var fired = await Task.WhenAll(due.Select(entry => FireAsync(entry, now, cancellationToken)));
            return fired.Count(f => f);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<bool> FireAsync(ReminderEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = new TickStatus(entry.DueAt, entry.Period, now);
        var request = new GrainRequest<object?>(
            $"IRemindable.ReceiveReminder({entry.Name})",
            (grain, _) => grain is IRemindable remindable
                ? remindable.ReceiveReminder(entry.Name, status)
                : throw new InvalidOperationException($"{entry.GrainId} has reminder '{entry.Name}' but its class does not implement IRemindable."),
            null);
        request.CallerContext = ExecutionContext.Capture();
        try
        {
            catalog.Dispatch(entry.GrainId, request);
            await request.Task;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Reminder {Name} of {GrainId} failed; it is retried when its lease expires", entry.Name, entry.GrainId);
            return false;
        }

        RuntimeTelemetry.RecordReminderLag(now - entry.DueAt);
        DateTimeOffset? next = null;
        if (entry.Period > TimeSpan.Zero)
        {
            // Skip ticks missed while no silo ran, as Orleans does: the next tick is the first one after now.
            var missed = Math.Max(0, (long)Math.Floor((now - entry.DueAt) / entry.Period));
            next = entry.DueAt + (entry.Period * (missed + 1));
        }

        // Not cancellable: a tick that ran must be recorded even while the silo stops, or it runs again after the lease.
        await table.CompleteFiringAsync(entry, next, CancellationToken.None);
        return true;
    }
}
