using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Notifications;
using Scheduling.Grains.Webhooks;
using Scheduling.Silo.Hosting;
using Scheduling.Grains.Storage;

namespace Scheduling.Silo.Webhooks;

/// <summary>
/// The webhook delivery worker (SPEC §9, DESIGN §7). Runs where <c>Workers:Enabled</c> is true: claims due
/// deliveries under a lease, POSTs each once, records the attempt and decides what comes next: delivered (2xx),
/// a retry on the schedule (or later when the receiver's Retry-After says so), failed after the last retry, or
/// the subscription disabled (410 Gone, or failing continuously for the whole schedule, about three days; the
/// account owner is told by e-mail). A worker that dies mid-attempt records nothing: its claims come back when
/// their lease runs out and another worker sends the same body under the same webhook-id.
/// </summary>
public sealed partial class WebhookDeliveryService : BackgroundService
{
    /// <summary>How often the depth gauges are refreshed (they cost a count over the tables).</summary>
    private static readonly TimeSpan DepthsInterval = TimeSpan.FromSeconds(5);

    /// <summary>Most deliveries one purge statement deletes.</summary>
    private const int PurgeBatch = 1000;

    private readonly IWebhookDeliveryStore _store;
    private readonly WebhookDeliverySignal _signal;
    private readonly WebhookSender _sender;
    private readonly IGrainFactory _grains;
    private readonly INotifier _notifier;
    private readonly WebhookTelemetry _telemetry;
    private readonly IOutboxStore _outbox;
    private readonly TimeProvider _time;
    private readonly IOptions<WebhookOptions> _options;
    private readonly bool _workersEnabled;
    private readonly ILogger<WebhookDeliveryService> _logger;
    private DateTimeOffset? _depthsReadAt;
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    public WebhookDeliveryService(
        IWebhookDeliveryStore store,
        WebhookDeliverySignal signal,
        WebhookSender sender,
        IGrainFactory grains,
        INotifier notifier,
        WebhookTelemetry telemetry,
        IOutboxStore outbox,
        TimeProvider time,
        IOptions<WebhookOptions> options,
        IOptions<WorkerOptions> workers,
        ILogger<WebhookDeliveryService> logger)
    {
        ArgumentNullException.ThrowIfNull(workers);
        _store = store;
        _signal = signal;
        _sender = sender;
        _grains = grains;
        _notifier = notifier;
        _telemetry = telemetry;
        _outbox = outbox;
        _time = time;
        _options = options;
        _workersEnabled = workers.Value.Enabled;
        _logger = logger;

        // Unique per worker, not per silo name: two workers must never mistake each other's lease for their own.
        Owner = $"{workers.Value.SiloName}/webhooks-{Guid.NewGuid():N}";
    }

    /// <summary>The name this worker's leases carry.</summary>
    public string Owner { get; }

    /// <summary>
    /// One pass: claims due deliveries and sends them; returns how many it claimed. Cancelling abandons the pass
    /// like a crash would: attempts in flight are not recorded and their deliveries return after the lease.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        var options = _options.Value;
        var now = _time.GetUtcNow();
        await RefreshDepthsAsync(now, cancellationToken);
        await PurgeIfDueAsync(now, cancellationToken);
        var claimed = await _store.ClaimAsync(Owner, options.BatchSize, options.Lease, now, cancellationToken);
        await Task.WhenAll(claimed.Select(delivery => DeliverAsync(delivery, cancellationToken)));
        return claimed.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_workersEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DeliverDueAsync(stoppingToken) < _options.Value.BatchSize)
                {
                    await _signal.WaitAsync(_options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Webhook delivery pass failed");
                try
                {
                    await _signal.WaitAsync(_options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task DeliverAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            var subscription = await _grains.GetGrain<IWebhookSubscriptionsGrain>(delivery.CompanyId).GetAsync(delivery.SubscriptionId);
            if (subscription is not { Active: true })
            {
                var reason = subscription is null ? "the webhook was deleted" : "the webhook is not active";
                if (await RecordAsync(delivery, null, new WebhookDeliveryUpdate(WebhookDeliveryStatus.Canceled, _time.GetUtcNow(), null, null, reason)))
                {
                    _telemetry.RecordOutcome("canceled");
                }

                return;
            }

            var number = delivery.Attempts + 1;
            var at = _time.GetUtcNow();
            var response = await _sender.SendAsync(new Uri(subscription.TargetUrl), WebhookPayload.EventId(delivery.EventId), subscription.VerificationKey, delivery.Body, cancellationToken);
            var attempt = new WebhookAttempt(delivery.Id, number, at, response.StatusCode, (int)Math.Round(response.Latency.TotalMilliseconds), response.Error, response.Excerpt);
            var now = _time.GetUtcNow();
            if (response.IsSuccess)
            {
                if (await RecordAsync(delivery, attempt, new WebhookDeliveryUpdate(WebhookDeliveryStatus.Delivered, now, now, response.StatusCode, null)))
                {
                    _telemetry.RecordAttempt("delivered", response.Latency);
                    _telemetry.RecordLag(now - delivery.EventCreatedAt);
                }

                return;
            }

            if (response.StatusCode == 410)
            {
                var gone = "410 Gone: the receiver asked for no more deliveries; the webhook is disabled";
                if (await RecordAsync(delivery, attempt, new WebhookDeliveryUpdate(WebhookDeliveryStatus.Failed, now, null, 410, gone)))
                {
                    _telemetry.RecordAttempt("disabled", response.Latency);
                    await DisableAsync(subscription, notifyOwner: false);
                }

                return;
            }

            if (WebhookRetrySchedule.NextAttempt(number, now, response.RetryAfter, Random.Shared.NextDouble()) is { } next)
            {
                if (await RecordAsync(delivery, attempt, new WebhookDeliveryUpdate(WebhookDeliveryStatus.Pending, next, null, response.StatusCode, response.Error)))
                {
                    _telemetry.RecordAttempt("retry", response.Latency);
                }

                return;
            }

            if (!await RecordAsync(delivery, attempt, new WebhookDeliveryUpdate(WebhookDeliveryStatus.Failed, now, null, response.StatusCode, response.Error)))
            {
                return;
            }

            // Only the end of the automatic schedule judges the subscription; a manual redelivery that fails does not.
            var lastSuccess = number == WebhookRetrySchedule.MaxAttempts ? await _store.LastDeliveredAtAsync(subscription.Id, CancellationToken.None) : DateTimeOffset.MaxValue;
            if (lastSuccess is null || lastSuccess < delivery.CreatedAt)
            {
                _telemetry.RecordAttempt("disabled", response.Latency);
                await DisableAsync(subscription, notifyOwner: true);
            }
            else
            {
                _telemetry.RecordAttempt("failed", response.Latency);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the claim stays until its lease runs out, then another worker sends the delivery.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Webhook delivery {DeliveryId} of company {CompanyId} failed; it is tried again after its lease", delivery.Id, delivery.CompanyId);
        }
    }

    private async Task<bool> RecordAsync(WebhookDelivery delivery, WebhookAttempt? attempt, WebhookDeliveryUpdate update)
    {
        // Not cancellable: an attempt that was made must be recorded even while the silo stops.
        if (await _store.RecordAsync(Owner, delivery.Id, attempt, update, CancellationToken.None))
        {
            return true;
        }

        _logger.LogWarning("Webhook delivery {DeliveryId}: the lease ran out before attempt {Attempt} was recorded; another worker owns it now", delivery.Id, attempt?.Number);
        return false;
    }

    private async Task DisableAsync(WebhookSubscription subscription, bool notifyOwner)
    {
        try
        {
            await _grains.GetGrain<IWebhookSubscriptionsGrain>(subscription.CompanyId).UpdateAsync(subscription.Id, new WebhookSubscriptionChange(null, null, false));
        }
        catch (NotFoundException)
        {
            return;
        }

        _logger.LogWarning("Webhook {SubscriptionId} of company {CompanyId} ({TargetUrl}) disabled", subscription.Id, subscription.CompanyId, subscription.TargetUrl);
        if (!notifyOwner || await _grains.GetGrain<IAccountGrain>(subscription.CompanyId).GetAsync() is not { } account)
        {
            return;
        }

        var days = WebhookRetrySchedule.Delays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d).TotalDays;
        await _notifier.SendAsync(
            new EmailMessage(
                account.OwnerEmail,
                "Webhook disabled: " + subscription.TargetUrl,
                $"""
                Your webhook {subscription.TargetUrl} (id {subscription.Id}) has failed every delivery for about {days:0} days, so we have disabled it.

                Its deliveries and the receiver's answers are listed at GET /api/v2/subscribe/{subscription.Id}/deliveries.
                When the receiver works again, switch the webhook back on (PUT /api/v2/subscribe/{subscription.Id} with active=1)
                and redeliver what it missed (POST /api/v2/subscribe/{subscription.Id}/deliveries/<delivery id>/redeliver).
                """),
            CancellationToken.None);
    }

    /// <summary>
    /// Deletes finished deliveries older than <see cref="WebhookOptions.DeliveryRetention"/>, at most every
    /// <see cref="WebhookOptions.PurgeInterval"/>. One batch a pass, so a large backlog never holds up the pass's
    /// deliveries: a full batch means more are waiting, and the next pass takes the next batch. Any worker may purge.
    /// </summary>
    private async Task PurgeIfDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now < _nextPurge)
        {
            return;
        }

        var options = _options.Value;
        var cutoff = now - options.DeliveryRetention;
        var purged = await _store.PurgeFinishedAsync(cutoff, PurgeBatch, cancellationToken);
        _nextPurge = purged == PurgeBatch ? now : now + options.PurgeInterval;
        if (purged > 0)
        {
            LogPurged(_logger, purged, cutoff);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} finished webhook deliveries recorded before {Cutoff}")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutoff);

    private async Task RefreshDepthsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_depthsReadAt is { } readAt && now - readAt < DepthsInterval)
        {
            return;
        }

        _depthsReadAt = now;
        var deliveries = await _store.GetStatsAsync(now, cancellationToken);
        var events = await _outbox.GetStatsAsync(now, cancellationToken);
        _telemetry.SetDepths(deliveries.Pending, deliveries.OldestAge, events.Pending, events.OldestAge, events.DeadLetters);
    }
}
