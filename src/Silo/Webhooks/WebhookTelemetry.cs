using System.Diagnostics.Metrics;

namespace Scheduling.Silo.Webhooks;

/// <summary>
/// Webhook and outbox metrics on meter <see cref="MeterName"/> (DESIGN §8). Prometheus names:
/// <c>scheduling_webhook_deliveries_total</c> (outcome delivered|retry|failed|disabled|canceled),
/// <c>scheduling_webhook_delivery_duration_seconds</c> (outcome), <c>scheduling_webhook_delivery_lag_seconds</c>
/// (event to delivered), <c>scheduling_webhook_pending</c>, <c>scheduling_webhook_pending_oldest_age_seconds</c>,
/// <c>scheduling_outbox_pending</c>, <c>scheduling_outbox_oldest_age_seconds</c>, <c>scheduling_outbox_dead_letters</c>. The gauges show what the
/// worker last read (it reads at most every few seconds), so scraping never queries the database.
/// </summary>
public sealed class WebhookTelemetry
{
    public const string MeterName = "Scheduling.Silo";

    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _lag;
    private Snapshot _snapshot = new(0, 0, 0, 0, 0);

    public WebhookTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _deliveries = meter.CreateCounter<long>(
            "scheduling.webhook.deliveries", "{attempt}", "Webhook attempts by outcome: delivered, retry (will be tried again), failed (given up), disabled (410 Gone or failing for days), canceled.");
        _duration = meter.CreateHistogram(
            "scheduling.webhook.delivery.duration", "s", "How long a receiver took to answer a webhook attempt, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15] });
        _lag = meter.CreateHistogram(
            "scheduling.webhook.delivery.lag", "s", "From the appointment change to its webhook being delivered (retries included).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86400, 259200] });
        meter.CreateObservableGauge("scheduling.webhook.pending", () => _snapshot.PendingDeliveries, "{delivery}", "Webhook deliveries waiting for an attempt (first or retry).");
        meter.CreateObservableGauge("scheduling.webhook.pending.oldest_age", () => _snapshot.OldestDeliveryAge, "s", "Age of the oldest webhook delivery still waiting.");
        meter.CreateObservableGauge("scheduling.outbox.pending", () => _snapshot.PendingEvents, "{event}", "Events in the outbox not yet delivered to their stream subscribers.");
        meter.CreateObservableGauge("scheduling.outbox.oldest_age", () => _snapshot.OldestEventAge, "s", "Age of the oldest undelivered outbox event.");
        meter.CreateObservableGauge("scheduling.outbox.dead_letters", () => _snapshot.DeadLetters, "{event}", "Events whose delivery kept failing, kept in the dead letters for operators.");
    }

    public void RecordAttempt(string outcome, TimeSpan latency)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _deliveries.Add(1, tag);
        _duration.Record(latency.TotalSeconds, tag);
    }

    public void RecordOutcome(string outcome) => _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordLag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    public void SetDepths(long pendingDeliveries, TimeSpan oldestDelivery, long pendingEvents, TimeSpan oldestEvent, long deadLetters) =>
        _snapshot = new Snapshot(pendingDeliveries, oldestDelivery.TotalSeconds, pendingEvents, oldestEvent.TotalSeconds, deadLetters);

    // Replaced whole, so a reader never sees half of one reading and half of the next.
    private sealed record Snapshot(long PendingDeliveries, double OldestDeliveryAge, long PendingEvents, double OldestEventAge, long DeadLetters);
}
