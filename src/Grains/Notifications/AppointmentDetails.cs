using System.Globalization;
using NodaTime;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.TimeZones;

namespace Scheduling.Grains.Notifications;

/// <summary>
/// What an appointment e-mail says, gathered once: who, what, where, when (in the appointment's zone, named), and
/// the client's self-service links. Templates only format these.
/// </summary>
public sealed record AppointmentDetails
{
    public required long AppointmentId { get; init; }

    public required string CompanyName { get; init; }

    public required string ServiceName { get; init; }

    public required string ProviderName { get; init; }

    public required string LocationName { get; init; }

    /// <summary>The location's street address on one line; empty when it has none.</summary>
    public required string LocationAddress { get; init; }

    public required string ClientName { get; init; }

    /// <summary>"Monday, March 3, 2031, 10:00–11:00 (US/Pacific, GMT -08:00)".</summary>
    public required string When { get; init; }

    /// <summary>"Mon 3/3 10:00": for text messages.</summary>
    public required string WhenShort { get; init; }

    /// <summary>Where the appointment was before a reschedule, in the same form as <see cref="When"/>.</summary>
    public string? PreviousWhen { get; init; }

    public required int Status { get; init; }

    /// <summary>Why the business declined (decline's <c>reason</c>); empty otherwise.</summary>
    public string Reason { get; init; } = string.Empty;

    public string? CancelUrl { get; init; }

    public string? RescheduleUrl { get; init; }

    public string? ConfirmUrl { get; init; }

    /// <summary>"Monday, March 3, 2031, 10:00–11:00 (US/Pacific, GMT -08:00)" for an interval in a zone.</summary>
    public static string FormatWhen(DateTimeOffset start, DateTimeOffset end, int timeZoneId)
    {
        var zone = Zone(timeZoneId);
        var from = Instant.FromDateTimeOffset(start);
        var local = zone.ToLocal(from);
        var localEnd = zone.ToLocal(Instant.FromDateTimeOffset(end));
        var day = local.ToString("dddd, MMMM d, yyyy", CultureInfo.InvariantCulture);
        var endText = localEnd.Date == local.Date
            ? localEnd.ToString("HH:mm", CultureInfo.InvariantCulture)
            : AppointmentView.FormatLocal(localEnd);
        return $"{day}, {local.ToString("HH:mm", CultureInfo.InvariantCulture)}–{endText} ({zone.Name}, {zone.ShortAt(from)})";
    }

    public static string FormatShort(DateTimeOffset start, int timeZoneId)
    {
        var zone = Zone(timeZoneId);
        var local = zone.ToLocal(Instant.FromDateTimeOffset(start));
        return local.ToString("ddd M/d HH:mm", CultureInfo.InvariantCulture) + " " + (zone.AbbreviationAt(Instant.FromDateTimeOffset(start)) ?? zone.ShortAt(Instant.FromDateTimeOffset(start)));
    }

    private static TimeZoneEntry Zone(int timeZoneId) =>
        TimeZoneTable.Embedded.TryGet(timeZoneId, out var entry) ? entry : TimeZoneTable.Embedded.Default;
}
