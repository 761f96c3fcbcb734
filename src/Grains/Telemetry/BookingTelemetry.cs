using System.Diagnostics.Metrics;
using Scheduling.Contracts.Errors;

namespace Scheduling.Grains.Telemetry;

/// <summary>
/// The booking metrics operators watch (dashboards/booking.json): every booking or reschedule a calendar decided,
/// by outcome, and how long availability answers take. Meter <see cref="DomainMeter.Name"/>; Prometheus names
/// <c>scheduling_bookings_total</c> and <c>scheduling_availability_duration_seconds</c>.
/// </summary>
public static class BookingTelemetry
{
    private static readonly Meter s_meter = DomainMeter.Meter;

    private static readonly Counter<long> s_bookings = s_meter.CreateCounter<long>(
        "scheduling.bookings", "{booking}",
        "Bookings and reschedules decided by calendars, by operation (book, reschedule) and outcome (booked, taken, not_offered, stale (retried on a fresh activation), failed).");

    private static readonly Histogram<double> s_availability = s_meter.CreateHistogram(
        "scheduling.availability.duration", "s", "Time to answer an availability request, by endpoint.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });

    public static void Booked(string operation) => Record(operation, "booked");

    /// <summary>A refused or failed booking: the outcome says why (a taken slot, one not offered, anything else).</summary>
    public static void Refused(string operation, Exception error) => Record(operation, error switch
    {
        SlotOccupiedException => "taken",
        SlotNotAvailableException => "not_offered",
        Orleans.Storage.InconsistentStateException => "stale",
        _ => "failed",
    });

    public static void AvailabilityAnswered(string endpoint, TimeSpan elapsed) =>
        s_availability.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint));

    private static void Record(string operation, string outcome) =>
        s_bookings.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
}
