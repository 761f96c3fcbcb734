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

/// <summary>Binary search over lists kept sorted by a key.</summary>
public static class SortedSearch
{
    /// <summary>The index of the first item whose key is not below <paramref name="key"/> (the count when there is none).</summary>
    public static int LowerBound<T, TKey>(IReadOnlyList<T> items, TKey key, Func<T, TKey> keyOf)
        where TKey : IComparable<TKey>
    {
        int low = 0, high = items.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (keyOf(items[middle]).CompareTo(key) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
