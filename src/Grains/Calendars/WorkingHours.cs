using System.Collections.Immutable;
using Scheduling.Contracts.Employees;

namespace Scheduling.Grains.Calendars;

/// <summary>
/// An employee's working time on one local date at one location, from the availability assignments:
/// date-interval working hours covering the date replace the weekly ones; out-of-office time is then
/// taken away (an out-of-office assignment without days takes whole days).
/// </summary>
public static class WorkingHours
{
    public static ImmutableArray<TimeOfDayRange> On(ImmutableArray<AvailabilityAssignment> assignments, long locationId, DateOnly date)
    {
        var day = date.DayOfWeek;
        var applying = assignments.Where(a => a.AppliesAt(locationId) && a.Covers(date)).ToList();
        var available = applying.Where(a => a.Type == AvailabilityType.Available).ToList();
        var overrides = available.Where(a => a.Repeat == AvailabilityRepeat.DateInterval).ToList();
        var hours = Merge((overrides.Count > 0 ? overrides : available).SelectMany(a => a.On(day)));
        foreach (var away in applying.Where(a => a.Type == AvailabilityType.OutOfOffice))
        {
            hours = Subtract(hours, away.Days.IsEmpty ? [new TimeOfDayRange(0, TimeOfDayRange.MinutesPerDay)] : away.On(day));
        }

        return hours;
    }

    private static ImmutableArray<TimeOfDayRange> Merge(IEnumerable<TimeOfDayRange> ranges)
    {
        var merged = new List<TimeOfDayRange>();
        foreach (var range in ranges.OrderBy(r => r.StartMinute))
        {
            if (merged.Count > 0 && merged[^1].EndMinute >= range.StartMinute)
            {
                merged[^1] = merged[^1] with { EndMinute = Math.Max(merged[^1].EndMinute, range.EndMinute) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return [.. merged];
    }

    private static ImmutableArray<TimeOfDayRange> Subtract(ImmutableArray<TimeOfDayRange> hours, ImmutableArray<TimeOfDayRange> away)
    {
        var result = new List<TimeOfDayRange>();
        foreach (var range in hours)
        {
            var pieces = new List<TimeOfDayRange> { range };
            foreach (var cut in away)
            {
                pieces = [.. pieces.SelectMany(p => Cut(p, cut))];
            }

            result.AddRange(pieces);
        }

        return [.. result];
    }

    private static IEnumerable<TimeOfDayRange> Cut(TimeOfDayRange range, TimeOfDayRange cut)
    {
        if (!range.Overlaps(cut))
        {
            yield return range;
            yield break;
        }

        if (range.StartMinute < cut.StartMinute)
        {
            yield return range with { EndMinute = cut.StartMinute };
        }

        if (cut.EndMinute < range.EndMinute)
        {
            yield return range with { StartMinute = cut.EndMinute };
        }
    }
}
