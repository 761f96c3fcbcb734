using System.Diagnostics.Metrics;

namespace Scheduling.Silo.Streams;

/// <summary>
/// The outbox stream provider's counters, on the silo's meter (<see cref="Webhooks.WebhookTelemetry.MeterName"/>, where
/// the outbox's depth and dead-letter gauges are too).
/// </summary>
public sealed class OutboxStreamTelemetry
{
    private readonly Counter<long> _read;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deadLettered;

    public OutboxStreamTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(Webhooks.WebhookTelemetry.MeterName);
        _read = meter.CreateCounter<long>("scheduling.outbox.read", "{event}", "Outbox events read by this silo's stream receivers.");
        _delivered = meter.CreateCounter<long>("scheduling.outbox.delivered", "{event}", "Outbox events delivered to their subscribers and removed.");
        _deadLettered = meter.CreateCounter<long>("scheduling.outbox.dead_lettered", "{event}", "Outbox events whose delivery kept failing, moved to the dead letters.");
    }

    public void Read(int count) => _read.Add(count);

    public void Delivered(int count) => _delivered.Add(count);

    public void DeadLettered() => _deadLettered.Add(1);
}
