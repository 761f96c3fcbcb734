using NodaTime;
using Scheduling.Contracts.Employees;
using Scheduling.Grains.TimeZones;

namespace Scheduling.Grains.Availability;

/// <summary>Everything one employee's slots for one service depend on, at one location.</summary>
/// <param name="Zone">The location's time zone (else the account's): working hours are local to it.</param>
/// <param name="WorkingHours">The employee's working ranges at the location on a local date, sorted
/// (the catalog's <c>WorkingHours.On</c>: date intervals over weekly hours, out of office removed).</param>
/// <param name="ServiceWindows">Where the service may be booked on a date: the whole day, its schedule windows
/// (set_schedule), or nothing when it is inactive then (<c>ServiceSnapshot.WindowsOn</c>).</param>
/// <param name="IsHoliday">Whether an enabled account holiday covers the date.</param>
/// <param name="Booked">The employee's occupying appointments, sorted by start (any location: one person).</param>
public sealed record SlotQuery(
    DateTimeZone Zone,
    Func<LocalDate, IReadOnlyList<TimeOfDayRange>> WorkingHours,
    SlotRules Rules,
    Func<LocalDate, IReadOnlyList<TimeOfDayRange>> ServiceWindows,
    Func<LocalDate, bool> IsHoliday,
    IReadOnlyList<BookedInterval> Booked,
    Instant Now);

/// <summary>
/// The availability engine (SPEC §7): pure and deterministic — the same query gives the same slots.
/// A slot starts where the whole appointment plus padding fits inside a working range of its day, outside
/// holidays and out-of-office time, within the notice window, while a seat is free.
/// Local times that do not exist (spring forward) are not offered; ambiguous ones (fall back) mean their
/// first occurrence; lengths are real elapsed minutes.
/// </summary>
public static class SlotFinder
{
    public static List<Slot> Find(SlotQuery query, LocalDate from, LocalDate to)
    {
        var slots = new List<Slot>();
        for (var date = from; date <= to; date = date.PlusDays(1))
        {
            AddSlots(query, date, slots);
        }

        return slots;
    }

    /// <summary>Free seats for a start (0 when not offered): what booking re-checks inside the calendar grain.</summary>
    public static int FreeSeatsAt(SlotQuery query, LocalDateTime start)
    {
        var slots = new List<Slot>(1);
        AddSlots(query, start.Date, slots, only: start);
        return slots.Count > 0 ? slots[0].FreeSeats : 0;
    }

    /// <summary>Why a start is not bookable: not offered at all (hours, holiday, notice) vs. offered but full.</summary>
    public static bool IsOfferedIgnoringSeats(SlotQuery query, LocalDateTime start)
    {
        var withoutBookings = query with { Booked = [] };
        return FreeSeatsAt(withoutBookings, start) > 0;
    }

    /// <summary>The date's slots; with <paramref name="only"/> just the one starting then (the same rules, the other starts skipped).</summary>
    private static void AddSlots(SlotQuery query, LocalDate date, List<Slot> slots, LocalDateTime? only = null)
    {
        var rules = query.Rules;
        if (rules.DurationMinutes <= 0 || query.IsHoliday(date))
        {
            return;
        }

        var windows = query.ServiceWindows(date);
        if (windows.Count == 0)
        {
            return;
        }

        var ranges = Ranges.Intersect(query.WorkingHours(date), windows);
        if (ranges.Count == 0)
        {
            return;
        }

        var earliest = query.Now + Duration.FromHours(rules.PriorNoticeHours);
        var latest = rules.AfterNoticeDays > 0 ? query.Now + Duration.FromDays(rules.AfterNoticeDays) : Instant.MaxValue;
        var block = Duration.FromMinutes(rules.BlockMinutes);
        var step = rules.StartStepMinutes > 0 ? rules.StartStepMinutes : rules.BlockMinutes;
        var maxBooked = MaxLength(query.Booked);
        foreach (var range in ranges)
        {
            var rangeEnd = EndOf(query.Zone, date, range.EndMinute);
            for (var minute = range.StartMinute; minute < range.EndMinute; minute += step)
            {
                var local = date.At(LocalTime.FromMinutesSinceMidnight(minute));
                if (only is { } wanted && local != wanted)
                {
                    continue;
                }

                if (!query.Zone.TryToInstant(local, out var start))
                {
                    continue;
                }

                if (start + block > rangeEnd || start < earliest || start > latest)
                {
                    continue;
                }

                var free = FreeSeats(query.Booked, maxBooked, start, start + block, rules);
                if (free > 0)
                {
                    slots.Add(new Slot(local, start, free));
                }
            }
        }
    }

    // The instant a working range ends: minute 1440 is the next day's start of day.
    private static Instant EndOf(DateTimeZone zone, LocalDate date, int minute) =>
        minute >= 1440
            ? zone.AtStartOfDay(date.PlusDays(1)).ToInstant()
            : zone.AtLeniently(date.At(LocalTime.FromMinutesSinceMidnight(minute))).ToInstant();

    private static int FreeSeats(IReadOnlyList<BookedInterval> booked, Duration maxBooked, Instant start, Instant end, SlotRules rules)
    {
        var sameStart = 0;
        // Only bookings starting after (start - longest booking) can reach into [start, end).
        for (var i = SortedSearch.LowerBound(booked, start - maxBooked, static b => b.Start); i < booked.Count && booked[i].Start < end; i++)
        {
            var other = booked[i];
            if (other.End <= start)
            {
                continue;
            }

            if (rules.Seats > 1 && other.ServiceId == rules.ServiceId && other.Start == start)
            {
                sameStart++;
                continue;
            }

            return 0;
        }

        return Math.Max(0, Math.Max(rules.Seats, 1) - sameStart);
    }

    private static Duration MaxLength(IReadOnlyList<BookedInterval> booked)
    {
        var max = Duration.Zero;
        foreach (var interval in booked)
        {
            var length = interval.End - interval.Start;
            if (length > max)
            {
                max = length;
            }
        }

        return max;
    }
}
