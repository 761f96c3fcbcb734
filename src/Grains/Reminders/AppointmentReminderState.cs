using Scheduling.Grains.Notifications;

namespace Scheduling.Grains.Reminders;

/// <summary>What an appointment's notifications grain remembers; stored only once it has had something to send.</summary>
public sealed class AppointmentReminderState
{
    /// <summary>The highest appointment version whose messages were queued: events at or below it are redeliveries or late duplicates.</summary>
    public long Version { get; set; }

    /// <summary>The start the automatic reminder was sent for, so a redelivered tick does not send it twice.</summary>
    public DateTimeOffset? RemindedStart { get; set; }

    /// <summary>Messages made but not yet handed to the notifier (kept across failures and restarts).</summary>
    public List<OutgoingMessage> Outgoing { get; set; } = [];

    /// <summary>The company of the appointment a reminder registered by an earlier version ("remind") is for.</summary>
    public long CompanyId { get; set; }

    /// <summary>The start such a reminder is for; a firing for another start is stale.</summary>
    public DateTimeOffset? Start { get; set; }
}

/// <summary>One message waiting to go out, with its kind (for metrics and logs) and how often sending it failed.</summary>
public sealed record OutgoingMessage(Guid Id, string Kind, EmailMessage Message, int Attempts = 0);
