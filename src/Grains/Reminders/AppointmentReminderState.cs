using Scheduling.Grains.Notifications;

namespace Scheduling.Grains.Reminders;

/// <summary>What an appointment's reminder grain remembers between events.</summary>
public sealed class AppointmentReminderState
{
    public long CompanyId { get; set; }

    /// <summary>The highest appointment version handled: events at or below it are redeliveries or late duplicates.</summary>
    public long Version { get; set; }

    /// <summary>The appointment's status as of <see cref="Version"/>, to tell which change an "updated" event was.</summary>
    public int Status { get; set; } = -1;

    /// <summary>The start the pending reminder is for; a firing for another start is stale.</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>When the pending reminder is due; null when none is pending.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The start the automatic reminder was sent for, so a redelivered tick does not send it twice.</summary>
    public DateTimeOffset? RemindedStart { get; set; }

    /// <summary>Messages made but not yet handed to the notifier (kept across failures and restarts).</summary>
    public List<OutgoingMessage> Outgoing { get; set; } = [];
}

/// <summary>One message waiting to go out, with its kind (for metrics and logs) and how often sending it failed.</summary>
public sealed record OutgoingMessage(Guid Id, string Kind, EmailMessage Message, int Attempts = 0);
