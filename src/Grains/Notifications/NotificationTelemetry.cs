using System.Diagnostics.Metrics;
using Scheduling.Grains.Telemetry;

namespace Scheduling.Grains.Notifications;

/// <summary>
/// Appointment reminder and notification metrics on the meter <c>Scheduling.Grains</c> (exported by every silo).
/// Prometheus names: <c>scheduling_appointment_reminder_lag_seconds</c>, <c>scheduling_notifications_total</c>.
/// </summary>
public static class NotificationTelemetry
{
    private static readonly Meter s_meter = DomainMeter.Meter;

    private static readonly Histogram<double> s_reminderLag = s_meter.CreateHistogram(
        "scheduling.appointment.reminder.lag", "s",
        "From an appointment reminder's due time to its firing, by outcome (sent, or skipped because the appointment changed).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600] });

    private static readonly Counter<long> s_notifications = s_meter.CreateCounter<long>(
        "scheduling.notifications", "{message}", "Appointment e-mails and text messages handed to the notifier, by kind and outcome (sent, failed, dropped).");

    public static void RecordReminderLag(TimeSpan lag, bool sent) =>
        s_reminderLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("outcome", sent ? "sent" : "skipped"));

    public static void RecordNotification(string kind, string outcome) =>
        s_notifications.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
}
