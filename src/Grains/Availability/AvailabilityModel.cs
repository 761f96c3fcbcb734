using NodaTime;

namespace Scheduling.Grains.Availability;

/// <summary>
/// What decides where one service's slots may start (SPEC §7), already reduced to numbers:
/// the appointment's length (service + sub-services), padding, step, notice windows and seats.
/// </summary>
public sealed record SlotRules(
    long ServiceId,
    int DurationMinutes,
    int PaddingMinutes,
    int StartStepMinutes,
    int PriorNoticeHours,
    int AfterNoticeDays,
    int Seats)
{
    /// <summary>Minutes a booking of this service blocks: the appointment and its padding.</summary>
    public int BlockMinutes => DurationMinutes + PaddingMinutes;
}

/// <summary>An occupying appointment of the employee: [Start, End) already includes its padding.</summary>
public readonly record struct BookedInterval(Instant Start, Instant End, long ServiceId);

/// <summary>A bookable start and how many seats are still free there.</summary>
public readonly record struct Slot(LocalDateTime Start, Instant StartInstant, int FreeSeats);
