using System.Collections.Immutable;

namespace Scheduling.Contracts.Appointments;

/// <summary>Appointment <c>status</c> values (SPEC §5). Every status but <see cref="Canceled"/> occupies the employee's time.</summary>
public static class AppointmentStatus
{
    /// <summary>Waiting for the client's e-mail confirmation (set by verify, or by the account option email_confirmation).</summary>
    public const int Unverified = 0;

    /// <summary>E-mail confirmed, not yet validated by the provider.</summary>
    public const int Unconfirmed = 1;

    /// <summary>Confirmed (validated or paid).</summary>
    public const int Confirmed = 2;

    /// <summary>Declined or canceled: frees the time.</summary>
    public const int Canceled = 3;

    public const int BusyExternal = 4;
    public const int BusyIntegration = 6;
    public const int Completed = 8;
    public const int NoShow = 9;
    public const int InProgress = 10;
    public const int CheckedIn = 11;
    public const int JustArrived = 12;
    public const int Delayed = 13;

    public static ImmutableArray<int> All { get; } = [0, 1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 13];

    /// <summary>"Upcoming" appointments have one of these (SPEC §5).</summary>
    public static ImmutableArray<int> Upcoming { get; } = [Unverified, Unconfirmed, Confirmed];

    public static bool IsKnown(int status) => All.Contains(status);

    public static bool Occupies(int status) => status != Canceled;

    /// <summary>Busy time mirrored from an external calendar (4) or an integration (6): it holds time but is no client's appointment.</summary>
    public static bool IsImportedBusyTime(int status) => status is BusyExternal or BusyIntegration;
}
