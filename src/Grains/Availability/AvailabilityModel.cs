using System.Collections.Immutable;
using NodaTime;

namespace Scheduling.Grains.Availability;

/// <summary>A span of one local day in minutes since midnight: [Start, End), End at most 1440.</summary>
public readonly record struct MinuteRange(int Start, int End)
{
    public int Length => End - Start;

    public bool IsEmpty => End <= Start;

    public static MinuteRange Of(LocalTime start, LocalTime end) =>
        new((start.Hour * 60) + start.Minute, end == LocalTime.Midnight ? 1440 : (end.Hour * 60) + end.Minute);
}

/// <summary>
/// One assignAvailability rule of an employee at a location (SPEC §5): weekly (repeat 1) or for a date
/// interval (repeat 2), available (type 0) or out of office (type 1), with minute ranges per weekday.
/// </summary>
public sealed record ScheduleRule(bool Weekly, bool OutOfOffice, LocalDate? From, LocalDate? To, ImmutableArray<ImmutableArray<MinuteRange>> Days)
{
    /// <summary>Ranges of <paramref name="date"/>'s weekday (Monday = index 0).</summary>
    public ImmutableArray<MinuteRange> On(LocalDate date) => Days.IsDefaultOrEmpty ? [] : Days[(int)date.DayOfWeek - 1];

    public bool Covers(LocalDate date) => (From is not { } from || date >= from) && (To is not { } to || date <= to);
}

/// <summary>An employee's working hours at one location: what <see cref="SlotFinder"/> needs of them.</summary>
public sealed class WorkingHours(ImmutableArray<ScheduleRule> rules)
{
    public static WorkingHours None { get; } = new([]);

    public ImmutableArray<ScheduleRule> Rules { get; } = rules;

    /// <summary>
    /// The working ranges of a date: date-interval rules covering the date replace the weekly ones (the more
    /// specific schedule wins); out-of-office rules covering the date are then cut out. Sorted, merged.
    /// </summary>
    public List<MinuteRange> On(LocalDate date)
    {
        var available = new List<MinuteRange>();
        var dated = false;
        foreach (var rule in Rules)
        {
            if (!rule.OutOfOffice && !rule.Weekly && rule.Covers(date))
            {
                dated = true;
                available.AddRange(rule.On(date));
            }
        }

        if (!dated)
        {
            foreach (var rule in Rules)
            {
                if (!rule.OutOfOffice && rule.Weekly && rule.Covers(date))
                {
                    available.AddRange(rule.On(date));
                }
            }
        }

        var ranges = Ranges.Merge(available);
        foreach (var rule in Rules)
        {
            if (rule.OutOfOffice && rule.Covers(date))
            {
                ranges = Ranges.Subtract(ranges, rule.On(date));
            }
        }

        return ranges;
    }
}

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
