using System.Globalization;
using Scheduling.Grains.Storage;
using Scheduling.Contracts.Appointments;

namespace Scheduling.Grains.Reminders;

/// <summary>
/// An appointment's reminder in the reminder table. The calendar registers it for the appointment's notifications grain
/// (<see cref="AppointmentReminderGrain"/>) in the write that books, moves, cancels or deletes the appointment, so the
/// reminder commits with the change that explains it and the notifications grain is not activated to plan it
/// (DESIGN §7). Its name says whose appointment it is and which start it is for: the firing finds the appointment and
/// tells a stale tick (the appointment moved meanwhile) without stored state.
/// </summary>
public static class AppointmentReminders
{
    /// <summary>The notifications grain's type, the reminder's owner.</summary>
    public const string GrainType = "appointmentreminder";

    private const string Prefix = "remind/";

    public static GrainId GrainOf(long appointmentId) => GrainId.Create(Orleans.Runtime.GrainType.Create(GrainType), GrainIdKeyExtensions.CreateIntegerKey(appointmentId));

    /// <summary>"remind/{company}/{start, UTC, round-trip format}".</summary>
    public static string Name(long companyId, DateTimeOffset start) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{companyId}/{start.UtcDateTime:O}");

    /// <summary>The company and start of a reminder named by <see cref="Name"/>; false for any other name.</summary>
    public static bool TryParse(string name, out long companyId, out DateTimeOffset start)
    {
        companyId = 0;
        start = default;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        return slash > 0
            && long.TryParse(rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out companyId)
            && DateTimeOffset.TryParseExact(rest[(slash + 1)..], "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out start);
    }

    /// <summary>
    /// The reminder changes of an appointment changing from <paramref name="before"/> (null: new) to
    /// <paramref name="after"/> (null: deleted). An appointment still to come with status 0, 1 or 2 gets a reminder
    /// <paramref name="reminderHours"/> before its start, but only when that time is still ahead: a reminder whose time
    /// has passed when the appointment is booked (or moved) is not sent late. The reminder of the old start goes when the
    /// start moves or no reminder is wanted any more.
    /// </summary>
    public static List<ReminderChange> Changes(Appointment? before, Appointment? after, int reminderHours, DateTimeOffset now)
    {
        var changes = new List<ReminderChange>(2);
        string? wanted = null;
        if (after is not null && AppointmentStatus.Upcoming.Contains(after.Status) && reminderHours > 0
            && after.Start.AddHours(-reminderHours) is var due && due > now)
        {
            wanted = Name(after.CompanyId, after.Start);
            changes.Add(new ReminderChange(GrainOf(after.Id), wanted, due));
        }

        if (before is not null && AppointmentStatus.Upcoming.Contains(before.Status) && Name(before.CompanyId, before.Start) is var held && held != wanted)
        {
            changes.Insert(0, new ReminderChange(GrainOf(before.Id), held, null));
        }

        return changes;
    }
}
