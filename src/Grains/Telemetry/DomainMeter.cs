using System.Diagnostics.Metrics;

namespace Scheduling.Grains.Telemetry;

/// <summary>The one meter of the domain's instruments (bookings, availability, reminders, notifications), exported by every silo.</summary>
public static class DomainMeter
{
    public const string Name = "Scheduling.Grains";

    internal static Meter Meter { get; } = new(Name);
}
