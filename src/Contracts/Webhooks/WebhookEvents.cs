using System.Collections.Immutable;

namespace Scheduling.Contracts.Webhooks;

/// <summary>The events a webhook subscription can ask for (SPEC §9), and <see cref="All"/> for every event, now and later.</summary>
public static class WebhookEvents
{
    public const string Created = "appointment.created";
    public const string Updated = "appointment.updated";
    public const string Rescheduled = "appointment.rescheduled";
    public const string Canceled = "appointment.canceled";
    public const string Deleted = "appointment.deleted";
    public const string Reminder = "appointment.reminder";

    /// <summary>Every event, including events added later.</summary>
    public const string All = "*";

    public static ImmutableArray<string> Known { get; } = [Created, Updated, Rescheduled, Canceled, Deleted, Reminder];

    /// <summary>The canonical name of a known event or "*" (names compare case-insensitively); null when unknown.</summary>
    public static string? Canonical(string name)
    {
        var trimmed = name.Trim();
        return trimmed == All ? All : Known.FirstOrDefault(known => string.Equals(known, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
