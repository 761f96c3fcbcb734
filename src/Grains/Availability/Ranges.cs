using Scheduling.Contracts.Employees;

namespace Scheduling.Grains.Availability;

/// <summary>Intersection of sorted minute ranges of one day (working hours with a service's windows).</summary>
public static class Ranges
{
    public static List<TimeOfDayRange> Intersect(IReadOnlyList<TimeOfDayRange> ranges, IReadOnlyList<TimeOfDayRange> windows)
    {
        var result = new List<TimeOfDayRange>();
        foreach (var range in ranges)
        {
            foreach (var window in windows)
            {
                var start = Math.Max(range.StartMinute, window.StartMinute);
                var end = Math.Min(range.EndMinute, window.EndMinute);
                if (end > start)
                {
                    result.Add(new TimeOfDayRange(start, end));
                }
            }
        }

        result.Sort((a, b) => a.StartMinute.CompareTo(b.StartMinute));
        return result;
    }
}
