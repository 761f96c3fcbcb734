using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduling.Grains.Storage;
using Scheduling.Silo.Hosting;

namespace Scheduling.Silo.Reminders;

/// <summary>
/// Fires the one-shot reminders of <see cref="IOneShotReminderTable"/>: claims the due ones under a lease (so one silo
/// fires each), calls the grain's <see cref="IRemindable.ReceiveReminder(string, TickStatus)"/> through Orleans (it runs
/// wherever the grain is active), then removes the reminder. A firing that fails keeps its lease until it runs out and is
/// then tried again, by this silo or another; a reminder whose time passed while no silo ran fires as soon as one does.
/// </summary>
public sealed partial class OneShotReminderService(
    IOneShotReminderTable table,
    IGrainFactory grains,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<OneShotReminderService> logger) : BackgroundService
{
    private readonly WorkerOptions _options = options.Value;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
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
                LogPassFailed(logger, ex);
                await Task.Delay(_options.ReminderPollInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>One claim-and-fire pass; returns how many reminders fired.</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var due = await table.ClaimDueAsync(_options.SiloName, now, _options.BatchSize, _options.Lease, cancellationToken);
            var fired = await Task.WhenAll(due.Select(entry => FireAsync(entry, now)));
            return fired.Count(f => f);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<bool> FireAsync(Scheduling.Grains.Storage.ReminderEntry entry, DateTimeOffset now)
    {
        var status = new TickStatus(entry.DueAt.UtcDateTime, entry.Period, now.UtcDateTime);
        try
        {
            await grains.GetGrain(entry.GrainId).AsReference<IRemindable>().ReceiveReminder(entry.Name, status);
        }
        catch (Exception ex)
        {
            LogFiringFailed(logger, ex, entry.Name, entry.GrainId.ToString());
            return false;
        }

        DateTimeOffset? next = null;
        if (entry.Period > TimeSpan.Zero)
        {
            // A periodic entry's missed ticks are skipped: the next one is the first after now.
            var missed = Math.Max(0, (long)Math.Floor((now - entry.DueAt) / entry.Period));
            next = entry.DueAt + (entry.Period * (missed + 1));
        }

        // Not cancellable: a firing that ran must be recorded even while the silo stops, or it runs again after the lease.
        await table.CompleteFiringAsync(entry, next, CancellationToken.None);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reminder pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Name} of {GrainId} failed; it is retried when its lease expires")]
    private static partial void LogFiringFailed(ILogger logger, Exception exception, string name, string grainId);
}
